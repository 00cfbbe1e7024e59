"""``python -m stavka.cdb90 {calibrate,validate} cdb90 ...`` -- the CLI hooks, standalone."""

from __future__ import annotations

import sys

import typer

from stavka.cdb90.cli import calibrate_cmd, validate_cmd
from stavka.errors import StavkaError

app = typer.Typer(add_completion=False, no_args_is_help=True)
app.command("calibrate")(calibrate_cmd)
app.command("validate")(validate_cmd)


def main() -> None:
    try:
        app(standalone_mode=False)
    except StavkaError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # click usage errors
        import click

        if isinstance(exc, click.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
