import dataclasses
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from smpstudio.core import PLAN_FORMAT_VERSION, Plan, _planfile, load_plan, plan_schema, save_plan
from smpstudio.errors import PlanFormatError

CORPUS = Path(__file__).resolve().parents[1] / "data" / "plans"


def _copy(plan_dir: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "plan"
    shutil.copytree(plan_dir, dst, ignore=shutil.ignore_patterns("photos", "preview", "programs"))
    return dst


def _edit_document(folder: Path, edit) -> None:
    path = folder / "plan.json"
    doc = json.loads(path.read_text())
    edit(doc)
    path.write_text(json.dumps(doc))


def test_round_trip_is_exact(example_plan_dir: Path, tmp_path: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.stages_done == ("analyse", "head", "design", "pattern", "sessions")
    save_plan(plan, tmp_path)
    again = load_plan(tmp_path)
    assert again.pattern == plan.pattern
    assert again.sessions == plan.sessions
    assert again.design is not None and plan.design is not None
    assert np.array_equal(again.design.hairline_mm, plan.design.hairline_mm)
    assert again.head is not None and plan.head is not None
    assert np.array_equal(again.head.vertices_mm, plan.head.vertices_mm)
    assert np.array_equal(again.head.scalp_faces, plan.head.scalp_faces)
    for a, b in zip(again.views, plan.views, strict=True):
        assert a.camera is not None and b.camera is not None
        assert np.array_equal(a.camera.camera_from_head.matrix, b.camera.camera_from_head.matrix)
        assert np.array_equal(a.masks["background"], b.masks["background"])
        assert a.skin_lab == b.skin_lab and a.quality == b.quality
    # the same plan written twice gives the same bytes
    assert (tmp_path / "plan.json").read_bytes() == (example_plan_dir / "plan.json").read_bytes()


def test_every_corpus_plan_loads_and_validates() -> None:
    folders = sorted(p.parent for p in CORPUS.glob("v*/*/plan.json"))
    assert len(folders) >= 2
    versions = {p.parent.name for p in folders}
    assert f"v{PLAN_FORMAT_VERSION}" in versions
    for folder in folders:
        plan = load_plan(folder)
        assert isinstance(plan, Plan) and plan.views
    complete = load_plan(CORPUS / "v1" / "complete-low-density")
    assert complete.pattern is not None
    assert sorted(set(complete.pattern.session.tolist())) == [0, 1, 2]
    assert complete.sessions[0].pigment_id is None  # version 1 had no shades
    # version 1 designs migrate to regions without outlines and no hair shares
    assert complete.design is not None and complete.design.hair_share is None
    assert {z.kind for z in complete.design.zones} == {"region"}
    drawn = load_plan(CORPUS / "v2" / "design-scar-exclusion-blend")
    assert drawn.design is not None and drawn.head is not None
    assert [z.kind for z in drawn.design.zones][-2:] == ["scar", "exclusion"]
    assert drawn.design.hair_share is not None
    assert drawn.design.hair_share.shape == (len(drawn.head.faces),)


def test_version_3_round_trips_shades_touch_ups_revisions_and_edits(tmp_path: Path) -> None:
    plan = load_plan(CORPUS / "v3" / "sessions-shades-touch-up")
    assert plan.edited_defaults == {"epidermal_veil_fraction": 0.32}
    assert plan.default_value("epidermal_veil_fraction") == 0.32
    assert all(s.pigment_id and s.date_window and s.healed_lab for s in plan.sessions)
    assert [len(t.impression_ids) for t in plan.touch_ups] == [1750, 4]
    assert plan.revisions[0].sessions_seen == 1 and len(plan.revisions[0].changes) == 2
    save_plan(plan, tmp_path)
    again = load_plan(tmp_path)
    assert again.sessions == plan.sessions
    assert again.touch_ups == plan.touch_ups and again.revisions == plan.revisions
    assert again.edited_defaults == plan.edited_defaults
    doc = json.loads((tmp_path / "plan.json").read_text())
    veil = [d for d in doc["defaults_used"] if d["name"] == "epidermal_veil_fraction"]
    assert veil == [
        {
            "name": "epidermal_veil_fraction",
            "value": 0.32,
            "unit": "fraction",
            "source": "edited by the practitioner (default 0.3)",
        }
    ]


def test_wrong_touch_up_count_and_unknown_edited_default_are_refused(tmp_path: Path) -> None:
    folder = _copy(CORPUS / "v3" / "sessions-shades-touch-up", tmp_path)
    _edit_document(folder, lambda d: d["touch_ups"][1].update(count=5))
    with pytest.raises(PlanFormatError, match=r"touch_ups\[1\].count"):
        load_plan(folder)
    folder = _copy(CORPUS / "v3" / "sessions-shades-touch-up", tmp_path / "edit")
    _edit_document(folder, lambda d: d.update(edited_defaults={"no_such_default": 1.0}))
    with pytest.raises(PlanFormatError, match="edited_defaults names unknown defaults"):
        load_plan(folder)


def test_malformed_json_names_the_file_and_position(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text('{"format": "smpstudio.plan",,}')
    with pytest.raises(PlanFormatError) as info:
        load_plan(tmp_path)
    assert str(info.value) == (
        f"{tmp_path / 'plan.json'}: field '<document>': malformed JSON at line 1 column 29: "
        "Expecting property name enclosed in double quotes"
    )


def test_wrong_field_is_named(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = _copy(example_plan_dir, tmp_path)
    _edit_document(folder, lambda d: d["views"][0]["camera"].update(fx_px=-3))
    with pytest.raises(PlanFormatError, match=r"field 'views\[0\]\.camera\.fx_px': -3 is less"):
        load_plan(folder)


def test_missing_field_is_named(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = _copy(example_plan_dir, tmp_path)
    _edit_document(folder, lambda d: d["design"].pop("zones"))
    with pytest.raises(PlanFormatError, match=r"field 'design': 'zones' is a required property"):
        load_plan(folder)


def test_missing_array_is_named(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = _copy(example_plan_dir, tmp_path)
    plan = load_plan(folder)
    _doc, arrays = _planfile._plan_document_and_arrays(plan)
    del arrays["pattern_normals"]
    blob = _planfile.npz_bytes(arrays)
    import hashlib

    name = next(folder.glob("plan-*.npz")).name
    (folder / name).write_bytes(blob)
    _edit_document(folder, lambda d: d["arrays"].update(sha256=hashlib.sha256(blob).hexdigest()))
    with pytest.raises(PlanFormatError, match=r"field 'arrays\.pattern_normals': array is missing"):
        load_plan(folder)


def test_changed_array_file_is_detected(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = _copy(example_plan_dir, tmp_path)
    npz = next(folder.glob("plan-*.npz"))
    npz.write_bytes(npz.read_bytes()[:-10])
    with pytest.raises(PlanFormatError, match=r"field 'arrays\.sha256': the array file does not"):
        load_plan(folder)


def test_newer_version_is_refused(example_plan_dir: Path, tmp_path: Path) -> None:
    folder = _copy(example_plan_dir, tmp_path)
    _edit_document(folder, lambda d: d.update(format_version=PLAN_FORMAT_VERSION + 1))
    with pytest.raises(
        PlanFormatError,
        match=rf"field 'format_version': version {PLAN_FORMAT_VERSION + 1} is newer",
    ):
        load_plan(folder)


def test_older_version_is_migrated(
    example_plan_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Exercise the migration chain from a stand-in version 0 through the real 1 → 2."""
    folder = _copy(example_plan_dir, tmp_path)
    _edit_document(folder, lambda d: d.update(format_version=0, random_seed=d.pop("seed")))

    def rename_seed(doc: dict) -> dict:
        return {**{k: v for k, v in doc.items() if k != "random_seed"}, "seed": doc["random_seed"]}

    with pytest.raises(PlanFormatError, match="no migration from version 0"):
        load_plan(folder)
    monkeypatch.setitem(_planfile.MIGRATIONS, 0, rename_seed)
    assert load_plan(folder).seed == 7


def test_crash_during_write_keeps_the_old_plan(
    example_plan_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy(example_plan_dir, tmp_path)
    before = (folder / "plan.json").read_bytes()
    plan = load_plan(folder)
    changed = dataclasses.replace(plan, seed=plan.seed + 1, pattern=None, sessions=())
    real_replace = os.replace

    def crash_on_plan_json(src: str, dst: str | Path) -> None:
        if Path(dst).name == "plan.json":
            raise OSError("simulated power loss")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_plan_json)
    with pytest.raises(OSError, match="simulated power loss"):
        save_plan(changed, folder)
    monkeypatch.undo()
    assert (folder / "plan.json").read_bytes() == before
    assert load_plan(folder).pattern == plan.pattern
    assert not list(folder.glob(".plan.json.*.tmp"))


def test_published_schema_matches_the_file() -> None:
    schema = plan_schema()
    published = Path(_planfile.__file__).with_name("plan.schema.json")
    assert schema == json.loads(published.read_text())
    assert schema["properties"]["format_version"] == {"const": PLAN_FORMAT_VERSION}
