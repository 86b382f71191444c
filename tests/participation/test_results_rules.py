"""The result rules as pure functions, on small instances computed by hand."""

from auzolan.participation.results import ProjectInput, equal_shares, equal_shares_winners, greedy, rank, totals


def P(id, cost, votes):
    return ProjectInput(id=id, cost=cost, votes=votes)


def winners(outcomes):
    return sorted(o.id for o in outcomes if o.is_winner)


def test_greedy_skips_a_project_that_does_not_fit_and_goes_on():
    projects = [P(1, 60, 10), P(2, 50, 8), P(3, 30, 5), P(4, 20, 1)]
    outcomes = greedy(projects, envelope=100)
    # 1 fits (40 left); 2 (50) does not fit: skipped; 3 (30) fits (10 left); 4 (20) does not fit.
    assert winners(outcomes) == [1, 3]
    assert [o.rank for o in outcomes] == [1, 2, 3, 4]
    assert totals(outcomes) == {"winners": 2, "spent": 90, "votes": 24}


def test_tie_break_cheaper_first_then_lower_id():
    # Equal votes: the cheaper project (2) ranks first and takes the envelope.
    outcomes = greedy([P(1, 50, 10), P(2, 40, 10)], envelope=60)
    assert [o.id for o in outcomes] == [2, 1]
    assert winners(outcomes) == [2]
    # Equal votes and cost: the project entered first (lower id) wins.
    outcomes = greedy([P(7, 50, 10), P(3, 50, 10)], envelope=60)
    assert [o.id for o in outcomes] == [3, 7]
    assert winners(outcomes) == [3]


def test_rank_order_is_votes_then_cost_then_id():
    ranked = rank([P(5, 10, 3), P(2, 10, 3), P(1, 99, 3), P(9, 1, 4)])
    assert [p.id for p in ranked] == [9, 2, 5, 1]


def test_max_projects_stops_the_walk():
    projects = [P(1, 10, 9), P(2, 10, 8), P(3, 10, 7)]
    assert winners(greedy(projects, envelope=1000, max_projects=2)) == [1, 2]
    assert winners(greedy(projects, envelope=1000)) == [1, 2, 3]


def test_projects_without_votes_never_win():
    assert winners(greedy([P(1, 10, 5), P(2, 10, 0)], envelope=100)) == [1]


def test_project_exactly_filling_the_envelope_wins():
    assert winners(greedy([P(1, 100, 1)], envelope=100)) == [1]
    assert winners(greedy([P(1, 101, 1)], envelope=100)) == []


def test_equal_shares_differs_from_greedy_on_the_classic_instance():
    # 10 voters, envelope 100 (10 each). 6 voters approve A1, A2, A3 (30 each); 4 voters approve B (30).
    projects = [P(1, 30, 6), P(2, 30, 6), P(3, 30, 6), P(4, 30, 4)]
    ballots = [{1, 2, 3}] * 6 + [{4}] * 4
    assert winners(greedy(projects, envelope=100)) == [1, 2, 3]
    # MES: A1 costs each A-voter 5 (1/6 per euro) < B 7.5 (1/4): A1, then A2 (A-voters now empty), then B.
    assert equal_shares_winners(projects, ballots, envelope=100) == [1, 2, 4]
    assert winners(equal_shares(projects, ballots, envelope=100)) == [1, 2, 4]


def test_equal_shares_lets_a_rich_supporter_pay_for_a_poorer_one():
    # 5 voters, envelope 50 (10 each). X (24) by v1..v4: 6 each (1/4 per euro), bought first, v1..v4 keep 4.
    # Y (14) by v4 and v5: v4 pays all it has (4), v5 pays the rest (10): bought. Z (10) by v1 (4 left): not.
    projects = [P(1, 24, 4), P(2, 14, 2), P(3, 10, 1)]
    ballots = [{1, 3}, {1}, {1}, {1, 2}, {2}]
    assert equal_shares_winners(projects, ballots, envelope=50) == [1, 2]
    # Then the 12 euros left are completed greedily: Z (10) fits.
    assert winners(equal_shares(projects, ballots, envelope=50)) == [1, 2, 3]


def test_equal_shares_tie_uses_the_published_tie_break():
    # 3 voters, 30 (10 each). P (20) by v1, v2: 10 each = 1/2 per euro; Q (12) by v1, v3: 6 each = 1/2 per euro.
    # Tie at 1/2 and at 2 votes: the cheaper Q first; then P cannot be paid (v1 has 4 left, v2 10 -> 14 < 20).
    projects = [P(1, 20, 2), P(2, 12, 2)]
    ballots = [{1, 2}, {1}, {2}]
    assert equal_shares_winners(projects, ballots, envelope=30) == [2]


def test_equal_shares_without_ballots_buys_nothing():
    assert equal_shares_winners([P(1, 10, 0)], [], envelope=100) == []
