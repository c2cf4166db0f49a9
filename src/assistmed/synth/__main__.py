"""Command line: regenerate the bundled example, or a synthetic region of N practices for benchmarks.

    python -m assistmed.synth example --out resources/example
    python -m assistmed.synth region --name bench --practices 100 --out DIR --config-out FILE
"""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from assistmed.codebook import load_codebook
from assistmed.synth.gps import write_gp_export
from assistmed.synth.interviews import SEED as INTERVIEW_SEED
from assistmed.synth.interviews import write_interview_grid
from assistmed.synth.patients import write_example, write_region, write_second_entry

DEFAULT_CODEBOOK = "resources/codebooks/patients.yaml"
SEED = 20210104
GP_SEED = 20231027


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="assistmed-synth", description=__doc__.splitlines()[0])
    parser.add_argument("--codebook", default=DEFAULT_CODEBOOK)
    parser.add_argument("--seed", type=int, default=SEED)
    commands = parser.add_subparsers(dest="command", required=True)
    example = commands.add_parser("example", help="the default example (Pays de la Loire, 6 practices)")
    example.add_argument("--out", default="resources/example")
    region = commands.add_parser("region", help="a region of N practices for benchmarks")
    region.add_argument("--name", required=True)
    region.add_argument("--practices", type=int, required=True)
    region.add_argument("--returns", type=int, default=60)
    region.add_argument("--out", required=True)
    region.add_argument("--config-out", required=True)
    args = parser.parse_args(argv)
    codebook = load_codebook(args.codebook)
    if args.command == "example":
        for path in write_example(args.out, codebook, seed=args.seed):
            print(path)
        print(write_second_entry(args.out, codebook, seed=args.seed))
        region = Path(args.out) / "pays-de-la-loire"
        write_interview_grid(region / "interviews/grid.csv", seed=INTERVIEW_SEED)
        write_gp_export(region / "gps/export.csv", seed=GP_SEED)
        print(region / "interviews/grid.csv", region / "gps/export.csv", sep="\n")
        # The second region of config/examples/two-regions.yaml.
        for spec in write_region(args.out, codebook, region="bretagne", practices=4, returns=45, seed=args.seed + 1).values():
            print(spec["file"])
        return
    practices = write_region(
        args.out, codebook, region=args.name, practices=args.practices, returns=args.returns, seed=args.seed
    )
    config = {
        "study": {"title": "Évaluation des assistants médicaux (banc d'essai)", "synthetic": True},
        "codebooks": {"patients": args.codebook},
        "regions": {args.name: {"label": args.name, "patients": {"practices": practices}}},
    }
    Path(args.config_out).write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(args.config_out)


if __name__ == "__main__":
    main()
