"""Starting `legistrack` (the console script and `python -m scheduler`): the command line is
loaded with the garbage collector paused, then run.

A crawl child loads about 1,300 modules; collecting cycles while they load finds nothing to free
and cost about a tenth of a short crawl's CPU. What loaded is then frozen (later collections
skip it) and collection resumes as usual for the command itself.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    try:
        from scheduler.cli import main as cli_main
    finally:
        gc.freeze()
        gc.enable()
    cli_main()
