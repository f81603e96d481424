"""`legistrack serve`: the review page in the foreground (the web stack loads only when run)."""

from __future__ import annotations

import click

from ..common import fail, load, one_line_errors


@click.command()
@click.option("--host", help="Address to listen on (default: [web] host, 127.0.0.1).")
@click.option("--port", type=int, help="Port (default: [web] port, 8150; 0 picks a free one).")
@click.option(
    "--hash-password",
    is_flag=True,
    help="Ask for a password and print its hash for [web] users, then exit.",
)
@click.pass_context
@one_line_errors
def serve(ctx: click.Context, host: str | None, port: int | None, hash_password: bool) -> None:
    """Serve the maintainers' review page: the alert queue, each alert beside the record, status,
    bills, notes, precision, an Atom feed and a JSON API (/api/openapi.json).

    Binds 127.0.0.1 unless told otherwise; any other address needs [web] auth (token, users or
    proxy). Every action records the reviewer's name. Stops on Ctrl-C or SIGTERM.
    """
    from .security import SetupError
    from .security import hash_password as make_hash

    if hash_password:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
        click.echo(make_hash(password))
        return
    config = load(ctx)
    from .server import serve as run

    try:
        run(
            config,
            host if host is not None else config.web.host,
            port if port is not None else config.web.port,
            lambda line: click.echo(line, err=True),
        )
    except SetupError as exc:
        fail(str(exc))
