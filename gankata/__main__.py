from gankata.cli import main

raise SystemExit(main())
