"""Time svclint (and, if asked, Checkov) on the same files; print medians and ratios.

    python benchmarks/bench.py                      # synthetic corpora of 10, 500 and 5,000 files
    python benchmarks/bench.py --dir ~/src/infra    # a directory of real files instead
    python benchmarks/bench.py --checkov            # also time Checkov, installed into its own venv

The synthetic corpus is deterministic (seeded): Terraform modules with workloads, managed
identities, app registrations, credentials and role assignments, plus Bicep and ARM templates.
Every figure is the median of --runs runs; peak RSS is the largest of them. Checkov goes into a
venv of its own because it installs a package named `hcl2` that shadows python-hcl2.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path(os.environ.get("SVCLINT_BENCH_DIR", Path(tempfile.gettempdir()) / "svclint-bench"))


@dataclass
class Timing:
    label: str
    group: str
    files: int
    seconds: list[float]
    rss_mib: float

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


# --- synthetic corpus ------------------------------------------------------------------------

_TF_MAIN = """\
resource "azurerm_user_assigned_identity" "app{i}" {{
  name                = "id-app{i}-${{var.environment}}"
  resource_group_name = var.resource_group_name
  location            = var.location
}}

resource "azurerm_linux_function_app" "app{i}" {{
  name                = "fn-app{i}-${{var.environment}}"
  resource_group_name = var.resource_group_name
  location            = var.location
  service_plan_id     = var.plan_id
{identity}
  app_settings = {{
    AZURE_CLIENT_ID = azurerm_user_assigned_identity.app{i}.client_id
{secret}  }}
  site_config {{}}
}}

resource "azurerm_role_assignment" "app{i}" {{
  scope                = {scope}
  role_definition_name = "{role}"
  principal_id         = azurerm_user_assigned_identity.app{i}.principal_id
}}
"""
_TF_APP = """\
resource "azuread_application" "api{i}" {{
  display_name = "api{i}-${{var.environment}}"
  owners       = [data.azuread_client_config.current.object_id]
}}

resource "azuread_service_principal" "api{i}" {{
  client_id = azuread_application.api{i}.client_id
}}

resource "azuread_application_password" "api{i}" {{
  application_id = azuread_application.api{i}.id
  end_date       = timeadd(timestamp(), "{lifetime}h")
}}
"""
_TF_OTHER = """\
resource "azurerm_storage_account" "data{i}" {{
  name                     = "stdata{i}${{var.environment}}"
  resource_group_name      = var.resource_group_name
  location                 = var.location
  account_tier             = "Standard"
  account_replication_type = "LRS"
  tags                     = local.tags
}}

resource "azurerm_virtual_network" "net{i}" {{
  name                = "vnet-{i}"
  address_space       = ["10.{i}.0.0/16"]
  location            = var.location
  resource_group_name = var.resource_group_name
}}
"""
_TF_VARS = """\
variable "environment" {
  type    = string
  default = "prod"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "resource_group_name" {
  type = string
}

variable "plan_id" {
  type = string
}

data "azuread_client_config" "current" {}

locals {
  tags = { owner = "platform", environment = var.environment }
}
"""
_BICEP = """\
param location string = resourceGroup().location
param planId string

resource uami{i} 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {{
  name: 'id-app{i}'
  location: location
}}

resource fn{i} 'Microsoft.Web/sites@2023-12-01' = {{
  name: 'fn-app{i}'
  location: location
  kind: 'functionapp,linux'
{identity}  properties: {{
    serverFarmId: planId
    siteConfig: {{ appSettings: [ {{ name: 'AZURE_CLIENT_ID', value: uami{i}.properties.clientId }} ] }}
  }}
}}

resource ra{i} 'Microsoft.Authorization/roleAssignments@2022-04-01' = {{
  name: guid(resourceGroup().id, uami{i}.id, '{role_id}')
  properties: {{
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '{role_id}')
    principalId: uami{i}.properties.principalId
    principalType: 'ServicePrincipal'
  }}
}}
"""
_ROLES = [("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"), ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7")]


def _terraform_module(directory: Path, rng: random.Random, index: int) -> int:
    directory.mkdir(parents=True, exist_ok=True)
    role = rng.choice(_ROLES)[0]
    ids = f"[azurerm_user_assigned_identity.app{index}.id]"
    identity = f'  identity {{\n    type         = "UserAssigned"\n    identity_ids = {ids}\n  }}\n'
    identity = identity if rng.random() < 0.7 else ""
    secret = f"    AZURE_CLIENT_SECRET = azuread_application_password.api{index}.value\n" if rng.random() < 0.3 else ""
    scope = "var.plan_id" if rng.random() < 0.5 else '"/subscriptions/00000000-0000-0000-0000-000000000000"'
    (directory / "main.tf").write_text(
        _TF_MAIN.format(i=index, identity=identity, secret=secret, scope=scope, role=role)
    )
    (directory / "app.tf").write_text(_TF_APP.format(i=index, lifetime=rng.choice([2160, 8760, 17520])))
    (directory / "storage.tf").write_text(_TF_OTHER.format(i=index % 250))
    (directory / "variables.tf").write_text(_TF_VARS)
    return 4


def _arm(path: Path, rng: random.Random, index: int) -> None:
    role = rng.choice(_ROLES)[1]
    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"name": {"type": "string", "defaultValue": f"fn-{index}"}},
        "resources": [
            {
                "type": "Microsoft.Web/sites",
                "apiVersion": "2023-12-01",
                "name": "[parameters('name')]",
                "location": "westeurope",
                "kind": "functionapp",
                "properties": {"siteConfig": {"appSettings": [{"name": "A", "value": "b"}]}},
            },
            {
                "type": "Microsoft.Authorization/roleAssignments",
                "apiVersion": "2022-04-01",
                "name": f"[guid(resourceGroup().id, '{index}')]",
                "properties": {
                    "roleDefinitionId": "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', "
                    f"'{role}')]",
                    "principalId": "[reference(resourceId('Microsoft.Web/sites', parameters('name')), "
                    "'2023-12-01', 'full').identity.principalId]",
                    "principalType": "ServicePrincipal",
                },
            },
        ],
    }
    path.write_text(json.dumps(template, indent=2))


def generate(root: Path, files: int, kind: str, seed: int = 1) -> Path:
    """A corpus of about `files` files of one kind under `root` (reused when already there)."""
    target = root / f"{kind}-{files}"
    marker = target / ".complete"
    if marker.exists():
        return target
    shutil.rmtree(target, ignore_errors=True)
    rng = random.Random(seed)
    made = 0
    index = 0
    while made < files:
        directory = target / f"m{index // 20:03}" / f"svc{index:04}"
        if kind == "terraform":
            made += _terraform_module(directory, rng, index)
        elif kind == "bicep":
            directory.mkdir(parents=True, exist_ok=True)
            identity = (
                f"  identity: {{ type: 'UserAssigned', userAssignedIdentities: {{ '${{uami{index}.id}}': {{}} }} }}\n"
            )
            text = _BICEP.format(
                i=index, identity=identity if rng.random() < 0.7 else "", role_id=rng.choice(_ROLES)[1]
            )
            (directory / "main.bicep").write_text(text)
            made += 1
        else:
            directory.mkdir(parents=True, exist_ok=True)
            _arm(directory / "azuredeploy.json", rng, index)
            made += 1
        index += 1
    marker.write_text("")
    return target


# --- timing ----------------------------------------------------------------------------------


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of `command`."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    label: str,
    group: str,
    files: int,
    command: list[str],
    runs: int,
    env: dict[str, str] | None = None,
    before: Callable[[], object] | None = None,
) -> Timing:
    seconds, peaks = [], []
    for _ in range(runs):
        if before is not None:
            before()
        elapsed, rss = _run(command, env)
        seconds.append(elapsed)
        peaks.append(rss)
    return Timing(label, group, files, seconds, max(peaks))


def svclint_timings(svclint: str, corpus: Path, group: str, files: int, runs: int) -> list[Timing]:
    cache = WORK / "cache"
    check = [svclint, "check", str(corpus), "--fail-on", "never", "-o", os.devnull, "--cache-dir", str(cache)]

    def empty_cache() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    timings = [
        measure("svclint cold (empty cache)", group, files, check, runs, before=empty_cache),
        measure("svclint cold, one process", group, files, [*check, "--jobs", "1"], runs, before=empty_cache),
    ]
    _run(check)  # fill the cache
    timings.append(measure("svclint warm (cache)", group, files, check, runs))
    edited = next(p for p in sorted(corpus.rglob("*")) if p.suffix in (".tf", ".bicep", ".json"))
    original = edited.read_bytes()
    edits = iter(range(1_000_000))

    def edit_one_file() -> None:
        """A different comment (whitespace, for JSON) each time, as a commit would bring."""
        n = next(edits)
        extra = {".tf": b"# edit %d\n" % n, ".bicep": b"// edit %d\n" % n}.get(edited.suffix, b" " * n)
        edited.write_bytes(original + extra)

    try:
        timings.append(measure("svclint warm, one file edited", group, files, check, runs, before=edit_one_file))
    finally:
        edited.write_bytes(original)
    return timings


def bare_parse(corpus: Path, files: int, runs: int) -> list[Timing]:
    """The floors: python-hcl2's own lark parse of the same .tf files in one process, and
    svclint's HCL front end alone (no resolution, no rules, no cache)."""
    walk = "import sys, pathlib\nfiles = sorted(pathlib.Path(sys.argv[1]).rglob('*.tf'))\n"
    hcl2 = walk + "import hcl2\nfor p in files:\n    hcl2.parses_to_tree(p.read_text(encoding='utf-8-sig'))\n"
    own = walk + (
        "from svclint.parsers import parse_terraform\n"
        "for p in files:\n    parse_terraform(str(p), p.read_text(encoding='utf-8-sig'))\n"
    )
    return [
        measure("python-hcl2 bare parse (floor)", "terraform", files, [sys.executable, "-c", hcl2, str(corpus)], runs),
        measure("svclint HCL parser alone", "terraform", files, [sys.executable, "-c", own, str(corpus)], runs),
    ]


def checkov_command() -> list[str]:
    venv = WORK / "checkov-venv"
    checkov = venv / "bin" / "checkov"
    if not checkov.exists():
        print("installing Checkov into its own venv (once) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "checkov"], check=True)
    return [str(checkov)]


def checkov_timing(corpus: Path, group: str, files: int, runs: int) -> Timing:
    env = {**os.environ, "CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE"}
    framework = group if group in ("terraform", "bicep", "arm") else "terraform,bicep,arm"
    target = ["-f", str(corpus)] if corpus.is_file() else ["-d", str(corpus)]
    command = [*checkov_command(), *target, "--framework", framework, "--quiet", "--compact", "-o", "json"]
    return measure(f"checkov ({framework})", group, files, [*command, "--skip-download"], runs, env)


def _table(rows: list[Timing], reference: dict[tuple[str, int], float]) -> str:
    lines = [
        "| run | corpus | files | median s | runs (s) | peak RSS MiB | Checkov / svclint |",
        "|---|---|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        ratio = reference.get((row.group, row.files))
        shown = f"{ratio / row.median:.1f}x" if ratio and row.label.startswith("svclint") else ""
        runs = ", ".join(f"{s:.2f}" for s in row.seconds)
        lines.append(
            f"| {row.label} | {row.group} | {row.files:,} | {row.median:.2f} | {runs} | {row.rss_mib:.0f} | {shown} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="a directory of real files instead of the synthetic corpus")
    parser.add_argument("--sizes", default="10,500,5000", help="synthetic corpus sizes (files)")
    parser.add_argument("--kinds", default="terraform,bicep,arm", help="synthetic corpus kinds")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--checkov", action="store_true", help="also time Checkov (installed into its own venv)")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    svclint = shutil.which("svclint") or sys.exit("svclint is not installed (pip install .)")
    rows = [measure("svclint --version", "-", 0, [svclint, "--version"], args.runs)]
    corpora: list[tuple[str, Path, int]] = []
    if args.dir:
        count = sum(1 for p in args.dir.rglob("*") if p.suffix in (".tf", ".bicep", ".json"))
        corpora.append(("real", args.dir, count))
    else:
        for kind in args.kinds.split(","):
            for size in (int(s) for s in args.sizes.split(",")):
                corpora.append((kind, generate(WORK / "corpus", size, kind), size))
    tf_corpus = next((c[1] for c in corpora if c[0] in ("terraform", "real")), None)
    one = next(tf_corpus.rglob("main.tf"), None) if tf_corpus is not None else None
    reference: dict[tuple[str, int], float] = {}
    if one is not None:
        single = [svclint, "check", str(one), "--fail-on", "never", "--no-cache"]
        rows.append(measure("svclint one small .tf file", "terraform", 1, single, args.runs))
        if args.checkov:
            rows.append(checkov_timing(one, "terraform", 1, args.runs))
            reference[("terraform", 1)] = rows[-1].median
    for kind, corpus, files in corpora:
        print(f"timing {kind} ({files:,} files) ...", file=sys.stderr)
        rows.extend(svclint_timings(svclint, corpus, kind, files, args.runs))
        if kind in ("terraform", "real"):
            rows.extend(bare_parse(corpus, files, args.runs))
        if args.checkov:
            timing = checkov_timing(corpus, kind, files, args.runs)
            rows.append(timing)
            reference[(kind, files)] = timing.median
    print(_table(rows, reference))


if __name__ == "__main__":
    main()
