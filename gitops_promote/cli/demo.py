"""``demo``: the whole flow on a temporary copy of the bundled sample repository."""

from __future__ import annotations

import click

from ..demo import run_demo
from .app import main
from .output import Options


@click.command(short_help="The whole flow on a temporary sample repository.")
@click.option("--keep", is_flag=True, help="Keep the temporary repository and print its path.")
@click.option("--dir", "directory", type=click.Path(file_okay=False), help="Build it here.")
@click.pass_obj
def demo(opts: Options, keep: bool, directory: str | None) -> int:
    """The whole flow on a temporary copy of the bundled sample repository."""
    return run_demo(click.echo, main, keep=keep, directory=directory)
