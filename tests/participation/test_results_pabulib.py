"""The Pabulib writer: sections, separators in names, voter numbering."""

from auzolan.participation import pabulib


def test_write_sections_and_escape_names():
    text = pabulib.write(
        meta={"budget": 100, "empty": "", "description": "Quartier;Nord\nEst"},
        projects=[
            pabulib.PabulibProject(
                id=3, cost=60, name="Bancs; arbres\net fontaine", online_votes=2, paper_votes=1, selected=True
            ),
            pabulib.PabulibProject(id=5, cost=40, name="Piste", online_votes=1, paper_votes=0, selected=False),
        ],
        votes=[[5, 3], [3]],
    )
    lines = text.splitlines()
    assert lines[:2] == ["META", "key;value"]
    assert "budget;100" in lines and "description;Quartier,Nord Est" in lines
    assert not any(line.startswith("empty;") for line in lines)
    projects = lines.index("PROJECTS")
    assert lines[projects + 1] == "project_id;cost;votes;name;selected;paper_votes"
    assert lines[projects + 2] == "3;60;2;Bancs, arbres et fontaine;1;1"
    votes = lines.index("VOTES")
    assert lines[votes + 1 :] == ["voter_id;vote", "1;3,5", "2;3"]
    assert all(line.count(";") == 5 for line in lines[projects + 1 : votes])
