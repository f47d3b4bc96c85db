"""Interactive charts over result grids the package computed: sliders a reader moves in the page.

Each function takes a finished result from :mod:`nnbook.experiments.explorables` and returns an
:class:`Explorable`, a Vega-Altair chart whose data is that result. A notebook displays it in
one line; its display bundle holds

* ``text/html``: a ``<div class="nnbook-explore">`` with the Vega-Lite spec as JSON, which the
  book's script (Vega, Vega-Lite and vega-embed from ``vl_convert.javascript_bundle()``,
  served from the site's ``_static``) draws — no network, no CDN;
* ``text/plain``; and for the PDF (LaTeX builder) the book's extension adds the chart at its
  initial slider values as a PNG rendered by vl-convert (:func:`png_from_spec`).

A chart never computes a number the package did not, except the few arithmetic steps that
drawing needs (a bin's edges, ``tanh(x W + b)`` of the grid lines from the stored weights).
"""

from __future__ import annotations

import hashlib
import html
import io
import json
from pathlib import Path

import numpy as np

from nnbook import style

__all__ = ["Explorable", "png_from_spec", "spec_from_html", "FONT", "CONFIG", "temperature", "initialization_scale", "histogram_heights", "dead_relu", "bending_space"]

#: The book's figures use matplotlib's default font (DejaVu Sans); the charts ask for it first.
FONT = "DejaVu Sans, Verdana, Helvetica, Arial, sans-serif"

#: Vega-Lite config shared by every chart: the book's palette, font, grid and text sizes.
CONFIG = {
    "font": FONT,
    "background": "white",
    "padding": {"left": 4, "top": 4, "right": 14, "bottom": 4},
    "view": {"stroke": None},
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal", "gridColor": "#dddddd",
             "gridWidth": 0.6, "domainColor": "#444444", "tickColor": "#444444", "labelColor": "#222222",
             "titleColor": "#222222"},
    "header": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
    "legend": {"labelFontSize": 11, "titleFontSize": 11, "titleFontWeight": "normal", "orient": "bottom"},
    "title": {"fontSize": 12, "fontWeight": "normal", "anchor": "start", "color": "#222222"},
    "text": {"fontSize": 12, "color": "#222222"},
    "range": {"category": [style.PALETTE[k] for k in ("blue", "orange", "green", "red", "purple", "sky")]},
    "line": {"strokeWidth": 2},
}


def _fonts_registered():
    """Give vl-convert the font the figures use (matplotlib ships DejaVu Sans), once."""
    if not getattr(_fonts_registered, "done", False):
        import matplotlib
        import vl_convert

        vl_convert.register_font_directory(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf"))
        _fonts_registered.done = True


def _num(x, digits: int = 6):
    """A JSON number with ``digits`` significant digits (None for NaN): small pages, same values."""
    x = float(x)
    return None if not np.isfinite(x) else float(f"{x:.{digits}g}")


class Explorable:
    """A Vega-Altair chart that displays itself as offline HTML in the book and as a PNG elsewhere.

    ``chart`` is the Altair chart, ``alt`` the one-sentence description given to screen
    readers, ``params`` the chart's sliders and buttons (``altair.param`` objects, placed at
    the top level of the spec), ``datasets`` the rows of each named dataset the chart refers to
    with ``altair.Data(name=...)`` (stored once however many layers draw it).
    """

    def __init__(self, chart, alt: str, params=(), datasets=None):
        self.chart = chart
        self.alt = alt
        self.params = list(params)
        self.datasets = dict(datasets or {})
        self._spec = None

    def spec(self) -> dict:
        """The Vega-Lite specification, with its data inline (built once; not re-validated
        against the schema, which takes Altair longer than drawing)."""
        if self._spec is None:
            spec = self.chart.to_dict(validate=False)
            spec["params"] = spec.get("params", []) + [p.param.to_dict() for p in self.params]
            spec["datasets"] = {**spec.get("datasets", {}), **self.datasets}
            spec["config"] = {**CONFIG, **{k: v for k, v in spec.get("config", {}).items() if k != "view"}}
            self._spec = spec
        return json.loads(json.dumps(self._spec))

    def data(self) -> dict:
        """The datasets embedded in the spec, by name (what the unit tests compare with the package)."""
        return self.spec().get("datasets", {})

    def html(self) -> str:
        """A ``div`` holding the spec as JSON; the book's script draws it."""
        text = json.dumps(self.spec(), separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
        key = hashlib.sha256(text.encode()).hexdigest()[:12]
        return (f'<div class="nnbook-explore" id="explore-{key}" role="figure" aria-label="{html.escape(self.alt)}">'
                f'<script type="application/json" class="nnbook-explore-spec">{text}</script>'
                '<noscript><p>This interactive chart needs JavaScript; the figure above shows it at fixed '
                'settings.</p></noscript></div>')

    def png(self, scale: float = 2.0) -> bytes:
        """The chart at its initial slider values as a PNG (``scale`` pixels per CSS pixel)."""
        return png_from_spec(self.spec(), scale)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # No image/png here: rendering one costs a second or so per chart in every build. The
        # book's extension (book/_ext/nnbook_explore.py) renders it with png_from_spec for the
        # builders that cannot show HTML (the PDF), from the spec inside this HTML.
        return {"text/html": self.html(), "text/plain": f"<Explorable: {self.alt}>"}


def png_from_spec(spec: dict, scale: float = 2.0) -> bytes:
    """A Vega-Lite spec drawn by vl-convert at its initial parameter values, as an indexed PNG
    (256 colours without dithering, as the book's figures: nnbook.figures._base.png_bytes)."""
    import vl_convert
    from PIL import Image

    _fonts_registered()
    image = Image.open(io.BytesIO(vl_convert.vegalite_to_png(spec, scale=scale))).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()


def spec_from_html(page: str) -> dict:
    """The spec inside the HTML of :meth:`Explorable.html` (what the book's script draws)."""
    start = page.index('class="nnbook-explore-spec">') + len('class="nnbook-explore-spec">')
    return json.loads(page[start:page.index("</script>", start)].replace("<\\/", "</"))


def _slider(name: str, lo: float, hi: float, step: float, value: float, label: str):
    import altair as alt

    return alt.param(name=name, value=value, bind=alt.binding_range(min=lo, max=hi, step=step, name=label))


def _nearest(chart, param: str, field: str):
    """Keep the rows whose ``field`` is the grid value nearest the slider ``param``."""
    return (chart.transform_calculate(_d=f"abs(datum['{field}'] - {param})")
            .transform_joinaggregate(_dmin="min(_d)").transform_filter("datum._d <= datum._dmin + 1e-9"))


# ----------------------------------------------------------------------------- softmax temperature


def temperature(sweep) -> Explorable:
    """Softmax of fixed logits under a log-scale temperature slider, with the entropy curve.

    ``sweep``: a :class:`nnbook.experiments.softmax.TemperatureSweep` (e.g.
    :func:`nnbook.experiments.explorables.temperature_grid`). Left: the probabilities at the
    chosen T as bars, with the limits T → 0 (one-hot on the largest logit, black ticks) and
    T → ∞ (uniform 1/K, dashed line). Right: the entropy against T, the chosen T marked, and
    its limits 0 and log K.
    """
    import altair as alt

    lt = np.log10(sweep.temperatures)
    K = sweep.logits.size
    names = [f"x{i + 1} = {v:g}" for i, v in enumerate(sweep.logits)]
    top = int(np.argmax(sweep.logits))
    sets = {}
    sets["bars"] = ([{"lt": _num(lt[t], 4), "T": _num(sweep.temperatures[t]), "c": names[k],
                             "p": _num(sweep.probabilities[t, k])}
                            for t in range(lt.size) for k in range(K)])
    sets["curve"] = ([{"lt": _num(lt[t], 4), "T": _num(sweep.temperatures[t]), "H": _num(sweep.entropies[t])}
                             for t in range(lt.size)])
    bars, curve = alt.Data(name="bars"), alt.Data(name="curve")
    limits = alt.Data(values=[{"c": names[k], "zero": float(k == top), "inf": 1.0 / K} for k in range(K)])
    T = _slider("lt", float(lt.min()), float(lt.max()), float(np.round(np.diff(lt).min(), 6)), 0.0, "log₁₀ T ")
    x = alt.X("c:N", sort=names, title="logit", axis=alt.Axis(labelAngle=0))
    y = alt.Y("p:Q", scale=alt.Scale(domain=[0, 1]), title="probability")
    shown = _nearest(alt.Chart(bars), "lt", "lt")
    left = alt.layer(
        shown.mark_bar(color=style.PALETTE["blue"], width={"band": 0.7}).encode(x, y),
        alt.Chart(limits).mark_tick(color="black", thickness=2, size=28).encode(x, alt.Y("zero:Q")),
        alt.Chart(limits).mark_rule(color=style.PALETTE["grey"], strokeDash=[5, 4]).encode(y=alt.Y("mean(inf):Q")),
        alt.Chart(alt.Data(values=[{"y": 1.0 / K}])).mark_text(align="right", dx=0, dy=-7, x="width", fontSize=11,
                                                              color=style.PALETTE["grey"], text="T → ∞: 1/K"
                                                              ).encode(y="y:Q"),
        alt.Chart(alt.Data(values=[{"c": names[top], "y": 1.0}])).mark_text(
            align="left", dx=18, dy=0, fontSize=11, text="T → 0: one-hot").encode(x, y=alt.Y("y:Q")),
        _nearest(alt.Chart(curve), "lt", "lt").mark_text(align="left", x=4, y=-12, fontSize=12).encode(
            text=alt.Text("label:N")).transform_calculate(
            label="'T = ' + format(datum.T, '.3~g') + ',  entropy ' + format(datum.H, '.3f') + ' nats'"),
    ).properties(width=300, height=220)
    tx = alt.X("T:Q", scale=alt.Scale(type="log", nice=False), title="temperature T",
               axis=alt.Axis(format="~g", values=[10.0 ** k for k in range(-3, 4)]))
    hy = alt.Y("H:Q", title="entropy (nats)", scale=alt.Scale(domain=[0, 1.7]))
    right = alt.layer(
        alt.Chart(curve).mark_line(color=style.PALETTE["blue"]).encode(tx, hy),
        alt.Chart(alt.Data(values=[{"H": 0.0, "l": "T → 0: 0"}, {"H": sweep.max_entropy, "l": "T → ∞: log K"}]))
        .mark_rule(color=style.PALETTE["grey"], strokeDash=[5, 4]).encode(y="H:Q"),
        alt.Chart(alt.Data(values=[{"H": 0.0, "l": "T → 0: 0"}, {"H": sweep.max_entropy, "l": "T → ∞: log K"}]))
        .mark_text(align="left", x=4, dy=-7, fontSize=11, color=style.PALETTE["grey"]).encode(y="H:Q", text="l:N"),
        _nearest(alt.Chart(curve), "lt", "lt").mark_point(color=style.PALETTE["red"], filled=True, size=70)
        .encode(tx, hy),
    ).properties(width=260, height=220)
    chart = alt.hconcat(left, right, spacing=30)
    return Explorable(chart, "Softmax probabilities of five fixed logits and their entropy, with a slider "
                             "for the temperature on a log scale.", [T], sets)


# ----------------------------------------------------------------------------- initialization scale


def histogram_heights(counts) -> np.ndarray:
    """Bin counts as integer percentages of the tallest bin (what the chart draws; two digits a bin)."""
    counts = np.asarray(counts, dtype=float)
    top = counts.max()
    return np.zeros(counts.shape, dtype=int) if top == 0 else np.rint(100 * counts / top).astype(int)


def initialization_scale(grid) -> Explorable:
    """The deep net at initialization under a log slider for the weight std σ and a choice of
    activation: per-layer std of the activations and of the gradient ∂L/∂h, the std at the
    last layer against σ (Xavier and He marked), and the per-layer histograms of the activations.

    ``grid``: a :class:`nnbook.experiments.explorables.ScaleGrid`.
    """
    import altair as alt

    ls = np.log10(grid.stds)
    rows = []
    for a, name in enumerate(grid.activations):
        for s in range(ls.size):
            for layer in range(grid.depth):
                counts = grid.counts[a, s, layer]
                rows.append({"a": name, "ls": _num(ls[s], 5), "s": _num(grid.stds[s], 4), "l": layer + 1,
                             "as": _num(grid.act_std[a, s, layer], 4), "gs": _num(grid.grad_std[a, s, layer], 4),
                             "lo": _num(grid.lo[a, s], 4), "hi": _num(grid.hi[a, s], 4),
                             "c": histogram_heights(counts).tolist()})
    stats = hists = alt.Data(name="layers")
    sigma = _slider("ls", -2.0, float(np.round(ls.max(), 2)), 0.01, float(np.round(np.log10(grid.xavier), 2)),
                    "log₁₀ σ ")
    act = alt.param(name="act", value=grid.activations[0],
                    bind=alt.binding_radio(options=list(grid.activations), name="activation "))
    which = "datum.a == act"
    marks = alt.Data(values=[{"s": grid.xavier, "l": "Xavier"}, {"s": grid.he, "l": "He"}])
    decades = [10.0 ** k for k in range(-2, 1)]
    sx = alt.X("s:Q", scale=alt.Scale(type="log", domain=[float(grid.stds.min()), float(grid.stds.max())], nice=False),
               title="weight std σ", axis=alt.Axis(format="~g", values=decades + [2.0]))
    domains = {}
    for a, name in enumerate(grid.activations):
        values = np.concatenate([grid.act_std[a].ravel(), grid.grad_std[a].ravel()])
        values = values[values > 0]
        domains[name] = [float(10 ** np.floor(np.log10(values.min()))), float(10 ** np.ceil(np.log10(values.max())))]
    domain_expr = " : ".join(f"act == '{name}' ? {json.dumps(d)}" for name, d in domains.items()) + " : [1e-12, 1e16]"
    ly = alt.Scale(type="log", domain={"expr": domain_expr}, nice=False)
    quantity = alt.Color("q:N", title=None, scale=alt.Scale(domain=["activations", "gradient ∂L/∂h"],
                                                           range=[style.PALETTE["blue"], style.PALETTE["orange"]]))

    def folded(chart):
        return (chart.transform_fold(["as", "gs"], as_=["key", "v"])
                .transform_calculate(q="datum.key == 'as' ? 'activations' : 'gradient ∂L/∂h'"))

    yv = alt.Y("v:Q", scale=ly, title="std", axis=alt.Axis(format=".0e", tickCount=6))
    last = alt.Chart(stats).transform_filter(which).transform_filter(f"datum.l == {grid.depth}")
    overview = alt.layer(
        folded(last).mark_line().encode(sx, yv.title(f"std at layer {grid.depth}"), quantity),
        alt.Chart(marks).mark_rule(color=style.PALETTE["grey"], strokeDash=[4, 3]).encode(x="s:Q"),
        *[alt.Chart(marks).transform_filter(f"datum.l == '{label}'").mark_text(
            baseline="top", y=2, fontSize=11, align=side, dx=dx, color=style.PALETTE["grey"]).encode(x="s:Q", text="l:N")
          for label, side, dx in (("Xavier", "right", -3), ("He", "left", 3))],
        _nearest(last, "ls", "ls").mark_rule(color=style.PALETTE["red"], strokeWidth=1.5).encode(x="s:Q"),
    ).properties(width=210, height=200)
    current = _nearest(alt.Chart(stats).transform_filter(which), "ls", "ls")
    lx = alt.X("l:O", title="layer", axis=alt.Axis(labelAngle=0))
    per_layer = alt.layer(
        folded(current).mark_line(point=True).encode(lx, yv, quantity),
        current.transform_filter("datum.l == 1").mark_text(align="left", x=4, y=-12, fontSize=12).encode(
            text="label:N").transform_calculate(label="datum.a + ',  σ = ' + format(datum.s, '.3~g')"),
    ).properties(width=300, height=200)
    bins = grid.counts.shape[-1]
    histogram = (alt.Chart(hists).mark_rect(color=style.PALETTE["blue"])
                 .encode(alt.X("x0:Q", title=None, axis=alt.Axis(tickCount=2, format="~g", labelFontSize=9)),
                         alt.X2("x1:Q"), alt.Y("f:Q", axis=None), alt.Y2(datum=0))
                 .properties(width=48, height=42)
                 .facet(column=alt.Column("l:O", title="activations of each layer (histograms, same range in every "
                                                         "layer)", header=alt.Header(labelFontSize=10)),
                        spacing=6))
    histogram = (_nearest(histogram.transform_filter(which), "ls", "ls")
                 .transform_flatten(["c"])
                 .transform_window(i="row_number()", groupby=["l"])
                 .transform_calculate(x0=f"datum.lo + (datum.hi - datum.lo) * (datum.i - 1) / {bins}",
                                      x1=f"datum.lo + (datum.hi - datum.lo) * datum.i / {bins}")
                 .transform_calculate(f="datum.c / 100"))
    chart = alt.vconcat(alt.hconcat(per_layer, overview, spacing=24), histogram, spacing=16)
    return Explorable(chart, "The deep network at initialization: per-layer standard deviation of the activations "
                             "and gradients and per-layer histograms, with a slider for the weight std and a "
                             "choice of activation.", [sigma, act], {"layers": rows})


# ----------------------------------------------------------------------------- dead ReLUs


def dead_relu(grid) -> Explorable:
    """Dead units per hidden layer and training accuracy under a learning-rate slider, for raw
    and centered inputs side by side.

    ``grid``: a :class:`nnbook.experiments.explorables.DeadReluGrid`, or a learning-rate sweep
    with ReLU arms on raw and centered inputs (converted by
    :func:`~nnbook.experiments.explorables.dead_relu_grid_from_sweep`). Bars: mean dead
    fraction over the seeds of each hidden layer at the chosen learning rate (ticks: min and
    max over seeds); right: training accuracy against the learning rate, the chosen one marked.
    """
    import altair as alt

    from nnbook.experiments import explorables

    if not isinstance(grid, explorables.DeadReluGrid):
        grid = explorables.dead_relu_grid_from_sweep(grid)

    llr = np.log10(grid.lrs)
    rows, acc = [], []
    for k, prep in enumerate(grid.inputs):
        for i in range(llr.size):
            d = grid.dead[k, i]  # (seeds, layers)
            for layer in range(d.shape[1]):
                col = d[:, layer]
                ok = np.isfinite(col)
                rows.append({"in": prep, "llr": _num(llr[i], 5), "lr": _num(grid.lrs[i], 4), "l": f"layer {layer + 1}",
                             "d": _num(col[ok].mean()) if ok.any() else None,
                             "lo": _num(col[ok].min()) if ok.any() else None,
                             "hi": _num(col[ok].max()) if ok.any() else None})
            a = grid.accuracy[k, i]
            ok = np.isfinite(a)
            acc.append({"in": prep, "llr": _num(llr[i], 5), "lr": _num(grid.lrs[i], 4),
                        "acc": _num(a[ok].mean()) if ok.any() else None,
                        "dead": _num(np.nanmean(grid.dead[k, i])) if ok.any() else None,
                        "div": int(grid.diverged[k, i].sum())})
    dead, accuracy = alt.Data(name="dead"), alt.Data(name="accuracy")
    step = float(np.round(np.diff(llr).min(), 4))
    lr = _slider("llr", float(np.round(llr.min(), 4)), float(np.round(llr.max(), 4)), step,
                 float(np.round(llr[np.argmin(np.abs(llr - np.log10(0.3)))], 4)), "log₁₀ learning rate ")
    colour = alt.Color("in:N", title="inputs", scale=alt.Scale(domain=list(grid.inputs),
                                                             range=[style.PALETTE["blue"], style.PALETTE["orange"]]))
    shown = _nearest(alt.Chart(dead), "llr", "llr")
    x = alt.X("l:N", title=None, axis=alt.Axis(labelAngle=0))
    bars = alt.layer(
        shown.mark_bar().encode(x, alt.XOffset("in:N", sort=list(grid.inputs)),
                                alt.Y("d:Q", title="dead fraction (mean of seeds)", scale=alt.Scale(domain=[0, 1]),
                                      axis=alt.Axis(format="%")), colour),
        shown.mark_rule(color="black").encode(x, alt.XOffset("in:N", sort=list(grid.inputs)), alt.Y("lo:Q"),
                                              alt.Y2("hi:Q")),
        _nearest(alt.Chart(accuracy), "llr", "llr").transform_pivot("in", value="acc", groupby=["lr"])
        .mark_text(align="left", x=4, y=-12, fontSize=12).encode(text="label:N").transform_calculate(
            label="'learning rate ' + format(datum.lr, '.3~g') + ': accuracy ' + "
                  + " + ', ' + ".join(f"'{p} ' + format(datum['{p}'], '.0%')" for p in grid.inputs)),
    ).properties(width=210, height=220)
    lx = alt.X("lr:Q", scale=alt.Scale(type="log", domain=[float(grid.lrs.min()), float(grid.lrs.max())], nice=False),
               title="learning rate", axis=alt.Axis(format="~g", values=[0.03, 0.1, 0.3, 1.0, 3.0]))
    line = alt.Chart(accuracy).encode(lx, alt.Y("acc:Q", title="training accuracy", scale=alt.Scale(domain=[0, 1]),
                                                axis=alt.Axis(format="%")), colour)
    current = _nearest(alt.Chart(accuracy), "llr", "llr")
    right = alt.layer(
        line.mark_line(point=True),
        current.mark_rule(color=style.PALETTE["grey"]).encode(lx),
        current.mark_point(filled=True, size=90, opacity=1).encode(lx, alt.Y("acc:Q"), colour),
    ).properties(width=240, height=220)
    chart = alt.hconcat(bars, right, spacing=28)
    return Explorable(chart, "Fraction of dead ReLU units per hidden layer and training accuracy against the "
                             "learning rate, for raw and centered inputs, with a learning-rate slider.", [lr],
                       {"dead": rows, "accuracy": acc})


# ----------------------------------------------------------------------------- bending space

_STAGES = {"x W": "linear", "x W + b": "affine", "tanh(x W + b)": "tanh"}


def bending_space(history, lines: int = 9, points: int = 41) -> Explorable:
    """The 2-2-2 tanh net on XOR during training: a slider over the snapshots and a choice of
    stage. Left: the input plane, the data and the decision regions of the net. Right: a
    grid of the input plane and the data after ``x W``, ``+ b`` or tanh, and (after tanh)
    the output layer's decision line.

    ``history``: a :class:`nnbook.experiments.explorables.BendingHistory`. The chart stores
    the snapshots' weights and the data; the browser applies them to the grid lines.
    """
    import altair as alt

    n = history.epochs.size
    snapshots = ([{
        "k": k, "e": int(history.epochs[k]), "acc": _num(history.accuracy[k], 4),
        "w11": _num(history.W1[k, 0, 0], 12), "w12": _num(history.W1[k, 0, 1], 12),
        "w21": _num(history.W1[k, 1, 0], 12), "w22": _num(history.W1[k, 1, 1], 12),
        "b1": _num(history.b1[k, 0], 12), "b2": _num(history.b1[k, 1], 12),
        # output layer: the score difference (class 1 − class 0) is v · h + c
        "v1": _num(history.W2[k, 0, 1] - history.W2[k, 0, 0], 12), "v2": _num(history.W2[k, 1, 1] - history.W2[k, 1, 0], 12),
        "c": _num(history.b2[k, 1] - history.b2[k, 0], 12)} for k in range(n)])
    weights = alt.Data(name="weights")
    fields = ["e", "acc", "w11", "w12", "w21", "w22", "b1", "b2", "v1", "v2", "c"]
    points_rows = [{"x1": _num(x[0], 8), "x2": _num(x[1], 8), "cls": f"class {int(c)}"}
                   for x, c in zip(history.X, history.y)]
    pts = alt.Data(name="points")
    snap = alt.param(name="k", value=n - 1, bind=alt.binding_range(min=0, max=n - 1, step=1,
                                                                   name="training progress (snapshot) "))
    stage = alt.param(name="stage", value="tanh(x W + b)",
                      bind=alt.binding_radio(options=list(_STAGES), name="stage "))

    def with_weights(chart):
        return (chart.transform_calculate(k="k")
                .transform_lookup(lookup="k", from_=alt.LookupData(weights, key="k", fields=fields)))

    def tanh(z):
        return f"(1 - 2 / (exp(2 * ({z})) + 1))"

    z1, z2 = "datum.x1 * datum.w11 + datum.x2 * datum.w21", "datum.x1 * datum.w12 + datum.x2 * datum.w22"
    mapped = {
        "h1": f"stage == 'x W' ? {z1} : stage == 'x W + b' ? {z1} + datum.b1 : {tanh(z1 + ' + datum.b1')}",
        "h2": f"stage == 'x W' ? {z2} : stage == 'x W + b' ? {z2} + datum.b2 : {tanh(z2 + ' + datum.b2')}",
    }
    colour = alt.Color("cls:N", title=None, scale=alt.Scale(domain=["class 0", "class 1"],
                                                            range=[style.PALETTE["blue"], style.PALETTE["orange"]]))
    span = 2.0
    per_line = points
    grid = (alt.Chart(alt.sequence(0, 2 * lines * per_line, as_="i"))
            .transform_calculate(g=f"floor(datum.i / {per_line})", j=f"datum.i % {per_line}")
            .transform_calculate(t=f"-{span} + {2 * span} * datum.j / {per_line - 1}",
                                 c=f"-{span} + {2 * span} * (datum.g % {lines}) / {lines - 1}")
            .transform_calculate(x1=f"datum.g < {lines} ? datum.c : datum.t", x2=f"datum.g < {lines} ? datum.t : datum.c"))
    hx, hy = alt.X("h1:Q", title="h₁", scale=alt.Scale(zero=False)), alt.Y("h2:Q", title="h₂", scale=alt.Scale(zero=False))
    line_t = alt.Chart(alt.sequence(0, 61, as_="j")).transform_calculate(t="-1.1 + 2.2 * datum.j / 60")
    boundary = (with_weights(line_t)
                .transform_calculate(h1="abs(datum.v2) > abs(datum.v1) ? datum.t : -(datum.c + datum.v2 * datum.t) / datum.v1",
                                     h2="abs(datum.v2) > abs(datum.v1) ? -(datum.c + datum.v1 * datum.t) / datum.v2 : datum.t")
                .transform_filter("abs(datum.h1) <= 1.1 && abs(datum.h2) <= 1.1")
                .mark_line(color="black", strokeWidth=2)
                .encode(hx, hy, order="j:Q", opacity=alt.condition("stage == 'tanh(x W + b)'", alt.value(1), alt.value(0))))
    right = alt.layer(
        with_weights(grid).transform_calculate(**mapped).mark_line(color=style.PALETTE["grey"], strokeWidth=0.7,
                                                                   opacity=0.8)
        .encode(hx, hy, detail="g:N", order="j:Q"),
        with_weights(alt.Chart(pts)).transform_calculate(**mapped).mark_circle(size=22, opacity=0.85)
        .encode(hx, hy, colour),
        boundary,
        with_weights(alt.Chart(alt.Data(values=[{"s": 0}]))).transform_calculate(label="stage").mark_text(
            align="left", x=4, y=-12, fontSize=12).encode(text="label:N"),
    ).properties(width=250, height=250)
    mesh = 40
    cells = (alt.Chart(alt.sequence(0, mesh * mesh, as_="i"))
             .transform_calculate(x1=f"-{span} + {2 * span} * (floor(datum.i / {mesh}) + 0.5) / {mesh}",
                                  x2=f"-{span} + {2 * span} * (datum.i % {mesh} + 0.5) / {mesh}"))
    regions = (with_weights(cells)
               .transform_calculate(h1=tanh(z1 + " + datum.b1"), h2=tanh(z2 + " + datum.b2"))
               .transform_calculate(cls="datum.v1 * datum.h1 + datum.v2 * datum.h2 + datum.c > 0 ? 'class 1' : 'class 0'")
               .mark_square(size=36, opacity=0.22, shape="square")
               .encode(alt.X("x1:Q", title="x₁", scale=alt.Scale(domain=[-span, span], nice=False)),
                       alt.Y("x2:Q", title="x₂", scale=alt.Scale(domain=[-span, span], nice=False)), colour))
    left = alt.layer(
        regions,
        alt.Chart(pts).mark_circle(size=22, opacity=0.85).encode(alt.X("x1:Q"), alt.Y("x2:Q"), colour),
        with_weights(alt.Chart(alt.Data(values=[{"s": 0}]))).transform_calculate(
            label="'after ' + datum.e + ' epochs: training accuracy ' + format(datum.acc, '.0%')")
        .mark_text(align="left", x=4, y=-12, fontSize=12).encode(text="label:N"),
    ).properties(width=250, height=250)
    chart = alt.hconcat(left, right, spacing=30).resolve_scale(color="shared")
    return Explorable(chart, "A 2-2-2 tanh network learning XOR: the input plane with its decision regions, and "
                             "the plane after the linear map, the bias and tanh, with a slider over training "
                             "and a choice of stage.", [snap, stage],
                      {"weights": snapshots, "points": points_rows})
