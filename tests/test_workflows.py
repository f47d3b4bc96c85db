"""The publish workflow is a valid GitHub Actions workflow (checked offline against the
workflow schema that check-jsonschema ships) and publishes what CI builds."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def test_workflows_match_the_github_workflow_schema():
    assert WORKFLOWS, "no workflow in .github/workflows"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         *map(str, WORKFLOWS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_publish_builds_with_ci_and_deploys_html_and_pdf():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "publish.yml").read_text())
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = "\n".join(step.get("run", "") for step in build["steps"])
    assert "bash .ci/run" in runs and "_build/latex/book.pdf _build/html/" in runs
    uses = [step.get("uses", "").split("@")[0] for step in build["steps"] + deploy["steps"]]
    assert "actions/upload-pages-artifact" in uses and "actions/deploy-pages" in uses
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "_build/html"
    assert deploy["needs"] == "build"
