"""The ``smp`` command: one sub-command per pipeline stage, plus ``plan`` for all of them."""

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from smpstudio import workflow
from smpstudio.analysis import ita_class, ita_degrees, quality_messages
from smpstudio.core import Plan
from smpstudio.design import (
    DesignFinding,
    choose_hairline_preset,
    control_point_names,
    face_reference_from_views,
    glabella_height_of,
    hairline_curve_mm,
    midline_height_above_glabella_mm,
    zone_areas_cm2,
)
from smpstudio.errors import SMPError
from smpstudio.head import MM_PER_UNIT, ScalpChart, scalp_chart
from smpstudio.pattern import PatternReport
from smpstudio.sessions import screen as screen_answers

app = typer.Typer(
    help=(
        "SMP Studio: plans, previews and device programs for scalp micropigmentation, a "
        "cosmetic tattoo that imitates closely shaved hair. It does not grow or treat hair."
    ),
    no_args_is_help=True,
    add_completion=False,
)
_out = Console()
_err = Console(stderr=True)

PlanDir = Annotated[Path, typer.Argument(help="Plan folder (written by 'smp analyse').")]
SexOption = Annotated[
    Literal["male", "female"],
    typer.Option(help="Selects ANSUR II head means where the client was not measured."),
]


ViewOption = Annotated[
    list[str] | None,
    typer.Option(
        "--view",
        help="Declare a photo's view as PHOTO=KIND (KIND: front, left, right, top, back); "
        "repeat for several photos. Undeclared photos are classified.",
    ),
]


ScanOption = Annotated[
    Path | None,
    typer.Option(help="A head scan (PLY, OBJ, STL, GLB/glTF) to make the head model from."),
]
ScanUnitsOption = Annotated[
    Literal["mm", "cm", "m", "in"] | None,
    typer.Option(help="The scan's length unit (default: inferred from its size)."),
]
HeadCircumferenceOption = Annotated[
    float | None,
    typer.Option(
        min=400.0,
        max=700.0,
        help="The client's head circumference taped above the brows, mm: it sizes the head "
        "fitted to the photos (default: sized from the face and ANSUR II).",
    ),
]
PickedOption = Annotated[
    str | None,
    typer.Option(
        help="Right tragion, left tragion and an orbitale on the scan, in scan units, as "
        "'x,y,z;x,y,z;x,y,z' (default: the scan is aligned from its face).",
    ),
]


def _picked_points(text: str | None, units: str | None) -> np.ndarray | None:
    """Three picked points in scan millimetres, or None."""
    if text is None:
        return None
    try:
        points = np.array([[float(c) for c in p.split(",")] for p in text.split(";")])
    except ValueError:
        points = np.zeros(0)
    if points.shape != (3, 3):
        raise typer.BadParameter(
            f"expected three points 'x,y,z;x,y,z;x,y,z', got {text!r}", param_hint="--picked"
        )
    if units is None:
        raise typer.BadParameter("give --scan-units with --picked", param_hint="--picked")
    return points * MM_PER_UNIT[units]


def _view_kinds(pairs: list[str] | None) -> dict[str, str]:
    kinds = {}
    for pair in pairs or []:
        name, sep, kind = pair.partition("=")
        if not sep or kind not in ("front", "left", "right", "top", "back"):
            raise typer.BadParameter(
                f"expected PHOTO=KIND with KIND front, left, right, top or back, got {pair!r}",
                param_hint="--view",
            )
        kinds[name] = kind
    return kinds


@contextmanager
def _exit_on_error() -> Iterator[None]:
    """Print an SMP Studio error on stderr and exit with status 2."""
    try:
        yield
    except SMPError as exc:
        _err.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        raise typer.Exit(code=2) from exc


def _print_coverage(plan: Plan) -> None:
    if plan.hair_coverage:
        _out.print("hair coverage by scalp region (from the photos):")
    for c in plan.hair_coverage:
        where = f"seen {c.seen_fraction:.0%} by {', '.join(c.views) or 'no photo'}"
        if c.hair_fraction is None:
            _out.print(f"  {c.region}: not seen ({where})")
        else:
            _out.print(f"  {c.region}: hair covers {c.hair_fraction:.0%} ({where})")


def _summary(plan: Plan, out_dir: Path) -> None:
    _out.print(f"plan: {out_dir / 'plan.json'}", highlight=False)
    _print_coverage(plan)
    if plan.pattern is not None:
        _out.print(f"impressions: {len(plan.pattern)}")
    for s in plan.sessions:
        when = (
            f"{s.date_window[0]} – {s.date_window[1]}"
            if s.date_window
            else f"day {s.day_window[0]}–{s.day_window[1]}"
        )
        shade = (
            f", {s.pigment_id} (lot {s.pigment_lot or 'none good then'}), healed ΔE00 "
            f"{s.delta_e00:.1f} to a shaved hair"
            if s.pigment_id is not None and s.delta_e00 is not None
            else ""
        )
        _out.print(
            f"session {s.index + 1}: {s.impression_count} impressions "
            f"({100 * s.cumulative_fraction:.0f} % placed after it), {when}, "
            f"{s.estimated_hours[0]:.1f}–{s.estimated_hours[1]:.1f} h, dilution "
            f"{s.dilution_water_parts:g}:1{shade}",
            highlight=False,
        )
    for t in plan.touch_ups:
        _out.print(
            f"touch-up {t.date}: {len(t.impression_ids)} impressions ({t.reason})", highlight=False
        )
    unsourced = workflow.unsourced_defaults(plan)
    if unsourced:
        _out.print(
            "unsourced defaults in this plan (no published source; edit if you know better):"
        )
        for line in unsourced:
            _out.print(f"  - {line}", highlight=False)


@app.command()
def analyse(
    photos_dir: Annotated[Path, typer.Argument(help="Folder of one client's photos.")],
    out: Annotated[Path, typer.Option("--out", help="Plan folder to write.")],
    seed: Annotated[int, typer.Option(min=0, help="Seed of every random choice.")] = 0,
    sex: SexOption = "male",
    view: ViewOption = None,
) -> None:
    """Analyse photos: face, metric scale, skin colour, background mask, quality."""
    kinds = _view_kinds(view)
    with _exit_on_error():
        plan = workflow.run_analyse(photos_dir, out, seed=seed, sex=sex, view_kinds=kinds)
    for v in plan.views:
        ita = ita_degrees(v.skin_lab)
        sd = "" if v.mm_per_px_relative_sd is None else f" ± {v.mm_per_px_relative_sd:.1%}"
        scale = "no scale" if v.mm_per_px is None else f"{v.mm_per_px:.3f} mm/px{sd}"
        _out.print(
            f"{v.name} ({v.view_kind} view): {scale} ({v.scale_source}), skin L*a*b* "
            f"{v.skin_lab[0]:.1f} {v.skin_lab[1]:.1f} {v.skin_lab[2]:.1f} "
            f"(ITA {ita:.0f}°, {ita_class(ita)})",
            highlight=False,
        )
        problems = quality_messages(dict(v.quality), dict(v.quality_metrics))
        for line in problems or ["quality: all checks passed"]:
            _out.print(f"  {line}", highlight=False)
    _summary(plan, out)


def _print_fit(fit: dict[str, Any]) -> None:
    """The photo fit's residuals per view and its uncertainty, from ``head/fit.json``."""
    taped = fit["head_circumference_mm"]
    size = (
        f"head circumference {taped:.0f} mm (taped)"
        if taped
        else f"interpupillary distance {fit['interpupillary_mm']:.1f} ± "
        f"{fit['interpupillary_sd_mm']:.1f} mm"
    )
    _out.print(
        f"  fitted head: breadth {fit['head_breadth_mm']:.0f} mm, length "
        f"{fit['head_length_mm']:.0f} mm, sized by {size}",
        highlight=False,
    )
    for view in fit["views"]:
        face = (
            ""
            if view["landmark_rms_px"] is None
            else f"five points {view['landmark_rms_px']:.1f} px RMS, "
        )
        _out.print(
            f"  {view['name']} ({view['view_kind']} view): {face}outline "
            f"{view['outline_rms_px']:.1f} px ({view['outline_rms_mm']:.1f} mm) RMS",
            highlight=False,
        )
    for reason in fit["unregistered"]:
        _out.print(f"  not registered: {reason}", highlight=False)
    sd = fit["scalp_sd_mm"]
    _out.print(
        f"  uncertainty: scalp ± {sd['mean']:.1f} mm (95th percentile {sd['p95']:.1f}), tragia "
        f"± {fit['tragion_sd_mm']:.1f} mm, head frame turn ± "
        f"{fit['frame_rotation_sd_deg']:.1f}° (one SD)",
        highlight=False,
    )


@app.command()
def head(
    plan_dir: PlanDir,
    sex: SexOption = "male",
    scan: ScanOption = None,
    scan_units: ScanUnitsOption = None,
    picked: PickedOption = None,
    head_circumference: HeadCircumferenceOption = None,
) -> None:
    """Make the head model (from a scan, or fitted to the photos) and register each photo."""
    picked_mm = _picked_points(picked, scan_units)
    with _exit_on_error():
        plan = workflow.run_head(
            plan_dir,
            sex=sex,
            scan=scan,
            scan_units=scan_units,
            picked_mm=picked_mm,
            head_circumference_mm=head_circumference,
        )
    assert plan.head is not None
    _out.print(f"head: {plan.head.source}, scalp {plan.head.scalp_area_mm2 / 100:.0f} cm²")
    fit_file = plan_dir / "head" / "fit.json"
    if scan is None and fit_file.is_file():
        fit = json.loads(fit_file.read_text("utf-8"))
        if "why_not_fitted" in fit:
            _out.print(f"  not fitted to a photo: {fit['why_not_fitted']}", highlight=False)
        else:
            _print_fit(fit)
    for p in sorted((plan_dir / "head").glob("*")):
        _out.print(f"  wrote {p}", highlight=False)
    if scan is not None:
        record = json.loads((plan_dir / "head" / "scan.json").read_text("utf-8"))
        detected = " (inferred from its size)" if record["units_detected_from_size"] else ""
        _out.print(f"scan: read in {record['units']}{detected}", highlight=False)
        for repair in record["repairs"]:
            _out.print(f"  repaired: {repair}", highlight=False)
        _out.print(f"  aligned by {record['alignment']}", highlight=False)
        m, r = record["measures_mm"], record["scalp_remesh"]
        _out.print(
            f"  head breadth {m['head_breadth_mm']:.0f} mm, length {m['head_length_mm']:.0f} mm, "
            f"circumference {m['head_circumference_mm']:.0f} mm",
            highlight=False,
        )
        _out.print(
            f"  scalp remeshed: edges {r['edge_p5_mm']:.2f}–{r['edge_p95_mm']:.2f} mm (median "
            f"{r['edge_median_mm']:.2f}); normal steps p95 {r['normal_jump_before_p95_deg']:.1f}° "
            f"→ {r['normal_jump_p95_deg']:.1f}°; seam left open {r['open_seam_mm']:.0f} mm",
            highlight=False,
        )
    _print_coverage(plan)


@app.command()
def design(
    plan_dir: PlanDir,
    style: Annotated[
        Literal["natural", "soft", "defined"] | None,
        typer.Option(
            help="Hairline style: its irregularity and transition band (default: the "
            "hair-loss stage's preset, else natural).",
        ),
    ] = None,
    age: Annotated[
        Literal["mature", "juvenile"] | None,
        typer.Option(
            help="Mature (rule of 8) or juvenile (15 mm lower) hairline (default: the "
            "hair-loss stage's preset, else mature).",
        ),
    ] = None,
    sex: Annotated[
        Literal["male", "female"],
        typer.Option(help="Hamilton–Norwood stage for men, Ludwig grade for women."),
    ] = "male",
    mfp_above_glabella: Annotated[
        float | None,
        typer.Option(
            min=50.0,
            max=120.0,
            help="Mid-frontal point above mid-glabella along the forehead, mm (7–10 cm usual).",
        ),
    ] = None,
    client_age: Annotated[
        float | None,
        typer.Option(
            min=12.0,
            max=110.0,
            help="The client's age in years: the hairline check and the preset weigh the "
            "line's height by it.",
        ),
    ] = None,
    mfp_from: Annotated[
        Literal["rule-of-8", "facial-thirds"],
        typer.Option(
            help="Place the mid-frontal point by the rule of 8 (80 mm up the forehead) or "
            "by the facial thirds (upper third as tall as the measured middle third).",
        ),
    ] = "rule-of-8",
    outlines: Annotated[
        Path | None,
        typer.Option(
            help='Scars and exclusions: a JSON file {"outlines": [...]}, each with kind '
            "(scar or exclusion), name, and view with points_px or points_mm on the head.",
        ),
    ] = None,
) -> None:
    """Place the hairline, zones and target densities."""
    with _exit_on_error():
        plan, findings, stage = workflow.run_design(
            plan_dir,
            style=style,
            age=age,
            sex=sex,
            mfp_above_glabella_mm=mfp_above_glabella,
            mfp_from_facial_thirds=mfp_from == "facial-thirds",
            outlines=outlines,
            client_age_years=client_age,
        )
    assert plan.head is not None
    chart = scalp_chart(plan.head)
    _print_design(plan, findings, chart)
    seen = ", ".join(f"{region} {level}" for region, level in stage.readings.items())
    if not stage.stages:
        verdict = "outside the scale (its frontal hairline is kept; this front is bare)"
    else:
        odds = ", ".join(f"{s} {stage.probabilities[s]:.0%}" for s in stage.stages)
        verdict = f"most likely {stage.most_likely} (confidence {stage.confidence:.0%}; {odds})"
    _out.print(f"hair-loss stage, {stage.scale}: {verdict}; {seen}", highlight=False)
    style_used, age_used, reason = choose_hairline_preset(
        stage, style=style, age=age, client_age_years=client_age
    )
    _out.print(f"hairline: {style_used} style, {age_used} ({reason})", highlight=False)
    placed_by = {
        "rule-of-8": "the rule of 8" if mfp_above_glabella is None else "as asked",
        "facial-thirds": "the facial thirds",
    }[mfp_from]
    _print_midline_height(plan, chart, f" ({placed_by})")
    face = face_reference_from_views(plan.views)
    _out.print(
        f"measured from mid-glabella {face.glabella_height_mm:.1f} mm and the lateral canthi "
        f"{face.canthus_height_mm:.1f} mm above the Frankfort plane, canthi "
        f"{2 * face.canthus_half_width_mm:.1f} mm apart ({face.source})",
        highlight=False,
    )
    names = control_point_names(len(plan.design.hairline_mm)) if plan.design else ()
    _out.print(
        "control points (smp edit --move-point I:DU,DV): "
        + ", ".join(f"{i} {name}" for i, name in enumerate(names)),
        highlight=False,
    )


def _print_design(plan: Plan, findings: tuple[DesignFinding, ...], chart: ScalpChart) -> None:
    """Each zone's area and target, then the checks' warnings."""
    assert plan.design is not None and plan.head is not None
    areas = zone_areas_cm2(plan.head, plan.design, chart=chart)
    for z in plan.design.zones:
        if z.kind == "exclusion":
            target = "nothing placed"
        else:
            matched = " before matching to the hair" if z.name == "blend" else ""
            per = "impression" if z.impressions_per_fu == 1 else "impressions"
            target = (
                f"{z.density_per_cm2:g} impressions/cm²{matched} "
                f"({z.fu_density_per_cm2:.1f} FU/cm² × {z.impressions_per_fu:g} {per} per FU), "
                f"dots {z.dot_diameter_mm} mm"
            )
        kind = "" if z.kind == "region" else f" ({z.kind})"
        _out.print(f"zone {z.zone_id} {z.name}{kind}: {areas[z.zone_id]:.1f} cm², {target}")
    for finding in findings:
        _out.print(f"warning: {finding.message}", highlight=False)


def _print_midline_height(plan: Plan, chart: ScalpChart, note: str = "") -> None:
    assert plan.design is not None and plan.head is not None
    curve = hairline_curve_mm(plan.head, plan.design, chart=chart)
    height = midline_height_above_glabella_mm(
        plan.head, curve, glabella_height_mm=glabella_height_of(plan.design)
    )
    _out.print(
        f"hairline crosses the midline {height:.0f} mm above mid-glabella along the forehead{note}",
        highlight=False,
    )


def _named_values(pairs: list[str] | None, option: str, what: str = "ZONE") -> dict[str, float]:
    values = {}
    for pair in pairs or []:
        name, sep, text = pair.rpartition("=")
        try:
            values[name] = float(text)
        except ValueError:
            name = ""
        if not sep or not name:
            raise typer.BadParameter(f"expected {what}=NUMBER, got {pair!r}", param_hint=option)
    return values


def _chart_move(text: str, option: str) -> tuple[float, float]:
    try:
        du, dv = (float(c) for c in text.split(","))
    except ValueError:
        raise typer.BadParameter(
            f"expected DU,DV in millimetres, got {text!r}", param_hint=option
        ) from None
    return du, dv


@app.command()
def edit(
    plan_dir: PlanDir,
    move_point: Annotated[
        list[str] | None,
        typer.Option(
            help="Move hairline control point I (0: the client's right temple) by DU,DV mm in "
            "the scalp chart (u to the client's left, v forward), as I:DU,DV; repeatable.",
        ),
    ] = None,
    density: Annotated[
        list[str] | None,
        typer.Option(help="Set a zone's target impressions per cm², as ZONE=N; repeatable."),
    ] = None,
    dots: Annotated[
        list[str] | None,
        typer.Option(help="Set a zone's healed dot diameter in mm, as ZONE=MM; repeatable."),
    ] = None,
    impressions_per_fu: Annotated[
        list[str] | None,
        typer.Option(
            help="Set a zone's impressions per follicular unit, as ZONE=N; repeatable.",
        ),
    ] = None,
    move_whorl: Annotated[
        str | None,
        typer.Option(help="Move the crown's whorl by DU,DV mm in the scalp chart."),
    ] = None,
    band_width: Annotated[
        float | None,
        typer.Option(min=2.0, max=40.0, help="Depth of the hairline band, mm."),
    ] = None,
) -> None:
    """Edit the design in millimetres: hairline points, zone targets, whorl, band."""
    moves = []
    for item in move_point or []:
        index, sep, rest = item.partition(":")
        if not sep or not index.strip().isdigit():
            raise typer.BadParameter(f"expected I:DU,DV, got {item!r}", param_hint="--move-point")
        moves.append((int(index), _chart_move(rest, "--move-point")))
    with _exit_on_error():
        plan, findings = workflow.run_edit(
            plan_dir,
            point_moves=moves,
            densities=_named_values(density, "--density"),
            dot_diameters=_named_values(dots, "--dots"),
            impressions_per_fu=_named_values(impressions_per_fu, "--impressions-per-fu"),
            whorl_move_mm=None if move_whorl is None else _chart_move(move_whorl, "--move-whorl"),
            band_width_mm=band_width,
        )
    assert plan.head is not None
    chart = scalp_chart(plan.head)
    _print_design(plan, findings, chart)
    _print_midline_height(plan, chart)
    _out.print("pattern and sessions cleared: run smp pattern again", highlight=False)


@app.command()
def pattern(plan_dir: PlanDir) -> None:
    """Synthesise the impressions."""
    with _exit_on_error():
        plan, report = workflow.run_pattern(plan_dir)
    _summary(plan, plan_dir)
    _print_pattern(report, plan_dir)


def _print_pattern(report: PatternReport, plan_dir: Path) -> None:
    table = Table(title="pattern: follicular units (FU) and impressions per cm²")
    for column in ("zone", "area cm²", "FU target", "FU placed", "error", "impressions"):
        table.add_column(column, justify="left" if column == "zone" else "right")
    for z in report.zones:
        table.add_row(
            str(z["name"]),
            f"{z['area_cm2']:.1f}",
            f"{z['target_units_per_cm2']:.1f}",
            f"{z['units_per_cm2']:.1f}",
            f"{100 * float(z['unit_error']):+.1f} %",
            f"{z['impressions_per_cm2']:.1f}",
        )
    _out.print(table)
    _out.print(
        f"closest two FU centres: {report.closest_pair_spacings:.3f} local spacings; "
        f"largest hole (radius): {report.largest_hole_spacings:.2f} spacings",
        highlight=False,
    )
    for p in report.prefixes:
        _out.print(
            f"first {100 * p['share']:.0f} % of the FU order: closest pair "
            f"{p['closest_pair_spacings']:.2f}, largest hole {p['largest_hole_spacings']:.2f} "
            "(spacings of its own density)",
            highlight=False,
        )
    for name in ("statistics.json", "density.png", "hairline-closeup.png", "pair-correlation.png"):
        _out.print(f"pattern: {plan_dir / 'pattern' / name}", highlight=False)


def _date(text: str | None, option: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"expected a date YYYY-MM-DD, got {text!r}", param_hint=option
        ) from None


def _lab(text: str | None, option: str) -> tuple[float, float, float] | None:
    if text is None:
        return None
    try:
        lab, a, b = (float(c) for c in text.split(","))
    except ValueError:
        raise typer.BadParameter(
            f"expected L,a,b (CIELAB), got {text!r}", param_hint=option
        ) from None
    if not 0 <= lab <= 100:
        raise typer.BadParameter(f"L* must be 0–100, got {lab:g}", param_hint=option)
    return lab, a, b


SetOption = Annotated[
    list[str] | None,
    typer.Option("--set", help="NAME=VALUE: edit a named default of this stage (repeatable)."),
]
CatalogueOption = Annotated[
    Path | None,
    typer.Option(help="Pigment catalogue JSON (default: the example catalogue shipped)."),
]


@app.command()
def sessions(
    plan_dir: PlanDir,
    count: Annotated[
        int | None, typer.Option(min=1, max=7, help="Number of sessions (2–4 usual).")
    ] = None,
    start: Annotated[
        str | None, typer.Option(help="Date of session 1, YYYY-MM-DD (default today).")
    ] = None,
    catalogue: CatalogueOption = None,
    hair_lab: Annotated[
        str | None, typer.Option(help="Client's hair colour L,a,b where the photos lack it.")
    ] = None,
    set_: SetOption = None,
) -> None:
    """Split into sessions, choose shades, write schedule, aftercare and forecast."""
    with _exit_on_error():
        plan = workflow.run_sessions(
            plan_dir,
            session_count=count,
            start=_date(start, "--start") or dt.date.today(),
            catalogue=catalogue,
            hair_lab=_lab(hair_lab, "--hair-lab"),
            edits=_named_values(set_, "--set", "NAME"),
        )
    _summary(plan, plan_dir)
    _print_session_files(plan_dir)


def _print_session_files(plan_dir: Path) -> None:
    doc = json.loads((plan_dir / "sessions" / "sessions.json").read_text())
    for item in doc["touch_up_forecast"]:
        when = f", around {item['date']}" if item["date"] else ""
        years = (
            "not within 30 years" if item["years"] is None else f"after {item['years']:.1f} years"
        )
        caution = (
            ""
            if item["within_consensus"]
            else " — outside the 2–6 years practitioners report (domain.md §6.5): the "
            "long-term model is unsourced, plan by the consensus"
        )
        _out.print(f"touch-up forecast, {item['sun']}: {years}{when}{caution}", highlight=False)
    for name in ("sessions.json", "shade-and-fading.png", "aftercare.txt", "aftercare.ics"):
        if (plan_dir / "sessions" / name).is_file():
            _out.print(f"sessions: {plan_dir / 'sessions' / name}", highlight=False)


@app.command("follow-up")
def follow_up(
    plan_dir: PlanDir,
    photo: Annotated[Path, typer.Argument(help="Frontal follow-up photo of the healed dots.")],
    date: Annotated[str, typer.Option(help="Day the photo was taken, YYYY-MM-DD.")],
    sessions_done: Annotated[int, typer.Option(min=1, help="Sessions done and healed.")] = 1,
    catalogue: CatalogueOption = None,
) -> None:
    """Measure healed sessions on a follow-up photo; revise the remaining sessions."""
    with _exit_on_error():
        plan = workflow.run_follow_up(
            plan_dir,
            photo,
            date=_date(date, "--date") or dt.date.today(),
            sessions_done=sessions_done,
            catalogue=catalogue,
        )
    revision = plan.revisions[-1]
    _out.print(
        f"measured {revision.impressions_measured} impressions; {revision.seen_share:.0%} of "
        "their units show",
        highlight=False,
    )
    for change in revision.changes:
        _out.print(f"  - {change}", highlight=False)
    _summary(plan, plan_dir)


@app.command("touch-up")
def touch_up(
    plan_dir: PlanDir,
    date: Annotated[str, typer.Option(help="Planned day, YYYY-MM-DD.")],
    zone: Annotated[str | None, typer.Option(help="Only this design zone.")] = None,
    catalogue: CatalogueOption = None,
) -> None:
    """Plan a touch-up of existing impressions (the sessions stay as they are)."""
    with _exit_on_error():
        plan = workflow.run_touch_up(
            plan_dir, date=_date(date, "--date") or dt.date.today(), zone=zone, catalogue=catalogue
        )
    t = plan.touch_ups[-1]
    _out.print(
        f"touch-up on {t.date}: {len(t.impression_ids)} impressions, "
        f"{t.pigment_id or 'default pigment'} lot {t.pigment_lot or 'none good on that day'}, "
        f"dilution {t.dilution_water_parts:g}:1",
        highlight=False,
    )


@app.command()
def screen(
    answers: Annotated[Path, typer.Argument(help="Questionnaire answers (JSON).")],
    on: Annotated[str | None, typer.Option(help="Day of the screen (default today).")] = None,
) -> None:
    """Suitability screen: proceed, wait until a date, or refer to a physician."""
    with _exit_on_error():
        result = screen_answers(
            workflow.read_questionnaire(answers), today=_date(on, "--on") or dt.date.today()
        )
    until = f" until {result.wait_until.isoformat()}" if result.wait_until else ""
    _out.print(f"decision: {result.decision}{until}", highlight=False)
    for f in result.findings:
        when = f" (until {f.until.isoformat()})" if f.until else ""
        _out.print(f"  - {f.decision}{when}: {f.reason} [{f.source}]", highlight=False)
    if not result.findings:
        _out.print("  no answer calls for a wait or a referral", highlight=False)


@app.command()
def preview(
    plan_dir: PlanDir,
    stubble_mm: Annotated[
        float | None,
        typer.Option(
            "--stubble-mm",
            min=0.0,
            help="Clip the remaining hair to this length, mm (default preview_stubble_mm).",
        ),
    ] = None,
    long_hair: Annotated[
        bool,
        typer.Option(
            "--long-hair",
            help="Keep long hair (diffuse thinning): dots darken only the scalp between hairs.",
        ),
    ] = False,
    catalogue: CatalogueOption = None,
    set_: SetOption = None,
) -> None:
    """Render the plan onto each photo: before/after, per session, healed years on, and more."""
    with _exit_on_error():
        paths = workflow.run_preview(
            plan_dir,
            stubble_mm=stubble_mm,
            keep_hair=long_hair,
            catalogue=catalogue,
            edits=_named_values(set_, "--set", "NAME"),
        )
    for p in paths:
        _out.print(f"preview: {p}", highlight=False)


@app.command()
def program(
    plan_dir: PlanDir,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="Write programs that fail the safety check, violations recorded inside."
        ),
    ] = False,
    zone_depth: Annotated[
        list[str] | None,
        typer.Option(help="ZONE=MM: needle depth setting of one zone (repeatable)."),
    ] = None,
    zone_order: Annotated[
        str | None, typer.Option(help="Zone names to execute first, comma-separated.")
    ] = None,
    needle: Annotated[str, typer.Option(help="Needle configuration: 1RL or 3RL.")] = "1RL",
    set_: SetOption = None,
) -> None:
    """Write each session's device program: JSON, CSV, G-code, 5-axis G-code, tour chart."""
    with _exit_on_error():
        paths = workflow.run_program(
            plan_dir,
            force=force,
            depth_by_zone_mm=_named_values(zone_depth, "--zone-depth"),
            zone_order=tuple(z.strip() for z in zone_order.split(",")) if zone_order else (),
            needle_configuration=needle,
            edits=_named_values(set_, "--set", "NAME"),
        )
    for p in paths:
        _out.print(f"program: {p}", highlight=False)
    for p in paths:
        if p.suffix == ".json":
            doc = json.loads(p.read_text("utf-8"))
            if doc["violations"]:
                _err.print(
                    f"[bold red]forced:[/] {p.name} breaks {len(doc['violations'])} safety "
                    "rule(s), listed in the file; do not run it on a client",
                    highlight=False,
                )


SessionArgument = Annotated[int, typer.Argument(min=1, help="Session number (1-based).")]


@app.command("program-log")
def program_log(
    plan_dir: PlanDir,
    session: SessionArgument,
    log: Annotated[Path, typer.Argument(help="The device's as-executed log (CSV).")],
) -> None:
    """Import a device's as-executed log and reconcile it with the session's program."""
    with _exit_on_error():
        found, path = workflow.run_execution_log(plan_dir, session, log)
    _out.print(
        f"session {session}: {len(found.done)} done, {len(found.skipped)} skipped, "
        f"{len(found.pending)} not reached, {len(found.repeated)} repeated, "
        f"{len(found.off_target)} off target, {len(found.unknown_rows)} log row(s) unmatched",
        highlight=False,
    )
    if found.resume_from is not None:
        _out.print(
            f"resume from instruction {found.resume_from}: smp program-resume", highlight=False
        )
    _out.print(f"reconciled: {path}", highlight=False)


@app.command("program-resume")
def program_resume(
    plan_dir: PlanDir,
    session: SessionArgument,
    start: Annotated[
        int | None,
        typer.Option("--from", min=0, help="Instruction to resume from (default: from the log)."),
    ] = None,
) -> None:
    """Write the rest of a session's program after an interruption."""
    with _exit_on_error():
        paths = workflow.run_resume(plan_dir, session, start)
    for p in paths:
        _out.print(f"program: {p}", highlight=False)


@app.command("program-replay")
def program_replay(
    plan_dir: PlanDir, session: SessionArgument, catalogue: CatalogueOption = None
) -> None:
    """Estimate a program's duration and render what it deposits beside the plan."""
    with _exit_on_error():
        duration, path = workflow.run_replay(plan_dir, session, catalogue=catalogue)
    _out.print(
        f"session {session}: about {duration.total_s / 60:.1f} min of machine time "
        f"(travel {duration.travel_mm / 1000:.1f} m in {duration.travel_s / 60:.1f} min, "
        f"needle {duration.dwell_s / 60:.1f} min, plunges {duration.axis_s / 60:.1f} min, "
        f"re-dips {duration.redip_s / 60:.1f} min); acceleration not included",
        highlight=False,
    )
    _out.print(f"replay: {path}", highlight=False)


@app.command("marker-sheet")
def marker_sheet(
    out: Annotated[Path, typer.Argument(help="PDF file to write.", dir_okay=False)],
) -> None:
    """Write a printable A4 sheet of 30 mm ArUco scale markers (print at actual size)."""
    with _exit_on_error():
        path = workflow.write_marker_sheet(out)
    _out.print(f"marker sheet: {path}", highlight=False)


@app.command()
def plan(
    photos_dir: Annotated[Path, typer.Argument(help="Folder of one client's photos.")],
    out: Annotated[Path, typer.Option("--out", help="Plan folder to write.")],
    seed: Annotated[int, typer.Option(min=0, help="Same seed, bit-identical outputs.")] = 0,
    sex: SexOption = "male",
    view: ViewOption = None,
    start: Annotated[
        str | None, typer.Option(help="Date of session 1, YYYY-MM-DD (default today).")
    ] = None,
) -> None:
    """Run every stage: photos in; plan, previews and device programs out."""
    kinds = _view_kinds(view)
    with (
        _exit_on_error(),
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=_err,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task("starting", total=len(workflow.STAGES))

        def on_stage(stage: str) -> None:
            progress.update(task, description=f"{stage}", advance=0 if stage == "analyse" else 1)

        result = workflow.run_plan(
            photos_dir,
            out,
            seed=seed,
            sex=sex,
            on_stage=on_stage,
            view_kinds=kinds,
            start=_date(start, "--start") or dt.date.today(),
        )
    _summary(result, out)
    for folder, label in (
        ("analysis", "analysis"),
        ("head", "head"),
        ("pattern", "pattern"),
        ("sessions", "sessions"),
        ("preview", "preview"),
        ("programs", "program"),
    ):
        for p in sorted((out / folder).glob("*")):
            _out.print(f"{label}: {p}", highlight=False)
