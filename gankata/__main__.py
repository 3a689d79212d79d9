from gankata.runner.commands import main

raise SystemExit(main())
