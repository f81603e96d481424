"""When and how legistrack runs: the command line, the demo, later the daemon and notifications."""
