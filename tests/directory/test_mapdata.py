from directory.mapdata import convex_hull


def test_convex_hull_drops_inner_points():
    square = [(0, 0), (2, 0), (2, 2), (0, 2)]
    assert sorted(convex_hull(square + [(1, 1), (1, 0.5)])) == sorted(square)


def test_convex_hull_of_two_points_is_the_points():
    assert convex_hull([(1, 1), (0, 0), (1, 1)]) == [(0, 0), (1, 1)]
