"""`flask demo generate --petitions N`: bulk realistic data for benchmarks (app/bench/generator.py)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

demo_cli = AppGroup("demo", help="Generated demo data for benchmarks (not in production).")


@demo_cli.command("generate")
@click.option("--petitions", "total", type=click.IntRange(1), required=True, help="How many petitions to add.")
@click.option("--agencies", default="", help="Agency codes, comma-separated (default: every active agency).")
@click.option("--batch", type=click.IntRange(100), default=5000, show_default=True, help="Rows per transaction.")
@click.option("--days", type=click.IntRange(1), default=365, show_default=True, help="Spread over the last N days.")
@click.option("--seed", type=int, default=8, show_default=True, help="Random seed (same seed, same data).")
def generate_command(total: int, agencies: str, batch: int, days: int, seed: int) -> None:
    """Add N petitions with their petitioners, events and cases, in bulk."""
    from app.bench.generator import generate

    if not current_app.config.get("DEMO_DATA_ALLOWED"):
        raise click.ClickException("Generated data is not loaded in production.")
    codes = [c.strip().upper() for c in agencies.split(",") if c.strip()] or None
    step = max(batch, total // 20)

    def progress(done: int) -> None:
        if done % step < batch or done == total:
            click.echo(f"  {done:>9,} petitions", err=True)

    try:
        result = generate(total, agency_codes=codes, batch=batch, days=days, seed=seed, progress=progress)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    rate = result.petitions / result.seconds if result.seconds else 0
    click.echo(f"Generated {result.petitions:,} petitions, {result.petitioners:,} petitioners, "
               f"{result.events:,} events, {result.cases:,} cases in {result.seconds:.1f} s ({rate:,.0f} petitions/s)")
