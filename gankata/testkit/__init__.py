"""What kata tests and the katas' own code import: loading the learner's module
(``loader``), teaching assertions (``assertions``), the embedded MNIST digits (``data``), the
digit reader that judges mode collapse (``classifier``), torch's threads and devices
(``devices``) and the pytest plugin that writes each verdict (``report``).

A kata's verdict depends on these modules, and the results cache keys on them alone.
"""
