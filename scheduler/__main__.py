"""`python -m scheduler`: the legistrack command line (how the daemon starts its crawl children)."""

from scheduler.launch import main

main()
