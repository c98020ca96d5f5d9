"""The README's configuration table is the operators' contract: it names every variable the settings read."""

from tests.support.environment import ROOT, settings_variables


def test_every_environment_variable_is_documented():
    read = settings_variables()
    readme = (ROOT / "README.md").read_text()

    missing = sorted(name for name in read if f"`{name}`" not in readme)
    assert missing == [], f"README lacks: {missing}"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make run" in first_block and "make test" in first_block
