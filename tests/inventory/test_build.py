"""Which accounts the inventory finds in Terraform, and what it attaches to each."""

from __future__ import annotations

from pathlib import Path

from svclint.engine.loader import load_rules
from svclint.inventory.build import build_inventory
from svclint.inventory.model import Account, Credential, Inventory, Permission
from tests.conftest import NOW, run


def test_one_entry_per_account_in_report_order(accounts: dict[str, Account]) -> None:
    assert [(a.kind, a.address, a.external) for a in accounts.values()] == [
        ("system_assigned_identity", "azurerm_linux_web_app.api.identity", False),
        ("user_assigned_identity", "azurerm_user_assigned_identity.api", False),
        ("application", "azuread_application.sync", False),
        ("service_principal", "data.azuread_service_principal.legacy", True),
        ("service_principal", "var.ops_principal_id", True),
        ("user", "azuread_user.svc_etl", False),
    ]


def test_system_identity_carries_its_workload_and_tags(accounts: dict[str, Account]) -> None:
    system = accounts["azurerm_linux_web_app.api.identity"]
    assert (system.path, system.line) == ("fixtures/inventory/main.tf", 35)
    assert system.workloads == ("azurerm_linux_web_app.api",)
    assert system.governance == (("tags.owner", "team-api"),)
    (grant,) = system.roles
    assert (grant.role, grant.privileged, grant.scope_class) == ("Owner", True, "subscription")
    assert [f.rule_id for f in system.findings] == ["SVC032", "SVC039"]  # no principal_type
    assert system.privileged_at_broad_scope


def test_user_assigned_identity_workloads_and_federated_credential(
    accounts: dict[str, Account],
) -> None:
    identity = accounts["azurerm_user_assigned_identity.api"]
    assert identity.workloads == ("azurerm_linux_web_app.api",)
    assert identity.credentials == (
        Credential(
            kind="federated",
            address="azurerm_federated_identity_credential.api_github",
            path="fixtures/inventory/main.tf",
            line=53,
            issuer="https://token.actions.githubusercontent.com",
            subject="repo:contoso/api:ref:refs/heads/main",
        ),
    )
    (grant,) = identity.roles
    assert (grant.role, grant.privileged, grant.scope_class) == ("Reader", False, "resource_group")
    assert not identity.privileged_at_broad_scope


def test_app_registration_absorbs_its_service_principal(accounts: dict[str, Account]) -> None:
    app = accounts["azuread_application.sync"]
    assert app.service_principal == "azuread_service_principal.sync"
    assert "azuread_service_principal.sync" not in accounts
    assert app.owners == ("data.azuread_client_config.current.object_id",)
    assert dict(app.governance) == {
        "notes": "Owned by the identity team; ticket IAM-42",
        "tags": "sync, tier1",
    }
    assert [(c.kind, c.address, c.lifetime_days, c.expires) for c in app.credentials] == [
        ("certificate", "azuread_application_certificate.sync", 180, "2026-11-28T00:00:00Z"),
        ("password", "azuread_service_principal_password.sync", 92, "2026-09-01T00:00:00Z"),
    ]
    assert [g.address for g in app.roles] == ["azurerm_role_assignment.sync_reader"]
    assert app.permissions == (
        Permission(
            "00000003-0000-0000-c000-000000000000",
            "Microsoft Graph",
            "df021288-bdef-4463-88db-98f22de89214",
            "Role",
        ),
    )
    assert {f.rule_id for f in app.findings} == {"SVC012", "SVC016", "SVC039", "SVC040"}


def test_external_principals(accounts: dict[str, Account]) -> None:
    legacy = accounts["data.azuread_service_principal.legacy"]
    assert [g.role for g in legacy.roles] == ["Contributor"]
    assert legacy.privileged_at_broad_scope
    ops = accounts["var.ops_principal_id"]
    assert (ops.line, [g.role for g in ops.roles]) == (139, ["Reader"])
    assert not any("team_group_id" in address for address in accounts)  # a group is no account


def test_user_is_listed_only_when_svc010_reports_it(accounts: dict[str, Account]) -> None:
    user = accounts["azuread_user.svc_etl"]
    assert [f.rule_id for f in user.findings] == ["SVC010"]
    assert [g.address for g in user.roles] == ["azurerm_role_assignment.etl_reader"]


def test_demo_app_is_used_by_the_function_that_holds_its_secret(demo: Inventory) -> None:
    app = next(a for a in demo.accounts if a.kind == "application")
    assert app.workloads == ("azurerm_linux_function_app.orders",)
    assert [c.lifetime_days for c in app.credentials] == [730]


def test_inline_password_block_and_unknown_role(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "azuread_application" "a" {\n'
        '  display_name = "a"\n'
        "  password {\n"
        '    display_name = "ci"\n'
        "  }\n"
        "}\n"
        'resource "azurerm_role_assignment" "r" {\n'
        "  scope              = var.scope\n"
        "  role_definition_id = var.role\n"
        "  principal_id       = azuread_application.a.object_id\n"
        "}\n",
        encoding="utf-8",
    )
    _, tables = load_rules()
    (app,) = build_inventory(run([tmp_path], [], tables), tables, NOW).accounts
    (secret,) = app.credentials
    assert (secret.address, secret.expires, secret.lifetime_days) == (
        "azuread_application.a.password.0",
        None,
        None,
    )
    assert "no expiry set" in secret.summary()
    (grant,) = app.roles
    assert (grant.privileged, grant.scope_class) == (None, None)
