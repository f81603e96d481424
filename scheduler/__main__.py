"""`python -m scheduler`: the legistrack command line (how the daemon starts its crawl children)."""

from scheduler.cli import main

main()
