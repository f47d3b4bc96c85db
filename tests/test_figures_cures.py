"""Figures added to the preprocessing and initialization chapters, and their claims."""

import numpy as np

from nnbook import figures, stats
from nnbook.experiments import initialization as ini
from nnbook.experiments import preprocessing as pre


def test_new_figures_render():
    race = pre.input_scaling_race(lrs=(1.0,), seeds=(0,), epochs=2, n_train=50, n_val=20)
    made = [figures.preprocessing.hessian_spectrum(race),
            figures.preprocessing.eps_sweep(pre.whitening_eps_sweep(eps=(0.1, 10.0), shown=2)),
            figures.initialization.init_vs_order(ini.init_vs_order(alternatives=2, epochs=1, n_train=100,
                                                                   n_val=50))]
    # laid out and every artist drawn, without rasterizing (the PNG path: test_figures.py)
    for fig in made:
        fig.draw_without_rendering()
        assert fig.axes


def test_patch_grid_is_regular():
    import inspect

    # the chapter's patch figure shows as many test patches per row as components below (8)
    assert inspect.signature(pre.patch_preprocessing).parameters["shown"].default == 8


def test_histogram_range_labels_are_compact():
    assert figures.initialization._compact(0.0002084) == "2.1e-4"
    assert figures.initialization._compact(0.94) == "0.94"
    assert figures.initialization._compact(880.3) == "880"


def test_tiled_images_keep_every_image():
    a, b = np.zeros((4, 4)), np.ones((4, 4))
    mosaic, dy, dx = figures.preprocessing._tile([[a, b], [b, None]])
    assert mosaic.shape == (9, 9) and dy == dx == 5
    np.testing.assert_array_equal(mosaic[:4, 5:], b)
    assert np.isnan(mosaic[4]).all() and np.isnan(mosaic[5:, 5:]).all()


def test_claims_have_stable_ids_and_consistent_verdicts():
    results = {"race": pre.input_scaling_race(lrs=(1.0, 3.0), seeds=(0, 1), pilot=1, epochs=15, n_train=200,
                                              n_val=50),
               "leak": pre.statistics_leak(seeds=(0, 1), epochs=5, n_train=200)}
    ids = [c.id for c in pre.claims(results)]
    assert ids == ["standardizing-speeds-training", "centering-speeds-training",
                   "per-feature-scaling-speeds-training", "test-batch-statistics-hurt",
                   "fit-before-split-inflates-test"]
    for c in pre.claims(results):
        assert c.verdict in stats.VERDICTS and c.effect.n == 2
        assert c.verdict == stats.verdict(c.effect)
