"""Topic rules: which words tag a paper, and which tags the seed gets."""

import datetime as dt

import pytest
from conftest import ROOT, SEED

from pelican.plugins.papershelf import archive
from pelican.plugins.papershelf.archive.model import Entry
from pelican.plugins.papershelf.archive.topics import compile_rules, topics_of
from pelican.plugins.papershelf.config import Config, SettingsError
from pelican.plugins.papershelf.read.listing import read_listing


def tags_for(title, abstract="", topics=None, min_mentions=2):
    rules = compile_rules(topics or {"self-training": ["self training"]})
    return topics_of(title, abstract, rules, min_mentions)


@pytest.mark.parametrize(
    "title",
    [
        "Self-Training: A Survey",
        "LiST: Lite Prompted Self-training",
        "self training at scale",
        "SELF‑TRAINING with a non-breaking hyphen and self-trainings",
    ],
)
def test_a_phrase_matches_whatever_the_case_and_hyphenation(title):
    assert tags_for(title.replace("‑", "-")) == ["self-training"]


def test_patterns_match_whole_words_plurals_and_prefixes():
    topics = {"RAG": ["RAG"], "quantization": ["quantiz*"], "agents": ["agent"]}
    assert tags_for("Fragments of RAGs", topics=topics) == ["RAG"]
    assert tags_for("Fragrant storage", topics=topics) == []
    assert tags_for("Quantized and quantizing", topics=topics) == ["quantization"]
    assert tags_for("Agents everywhere", topics=topics) == ["agents"]
    assert tags_for("Agentic search", topics=topics) == []


def test_phrases_of_any_length_and_phrases_ending_in_a_prefix():
    topics = {"MoE": ["mixture of experts"], "self-training": ["self train*"]}
    assert tags_for("A mixture of experts", topics=topics) == ["MoE"]
    assert tags_for("Sparse Mixture-of-Experts layers", topics=topics) == ["MoE"]
    assert tags_for("A mixture of three experts", topics=topics) == []
    assert tags_for("A mixture", topics=topics) == []  # the text ends mid-phrase
    assert tags_for("Self-trained and self trainers", topics=topics) == ["self-training"]
    assert tags_for("Self-supervised training", topics=topics) == []


def test_a_place_counts_once_however_many_patterns_of_a_topic_match_it():
    topics = {"distillation": ["distillation", "distill*"], "LM": ["language model", "language"]}
    abstract = "Distillation of a language model."
    assert tags_for("A title", abstract, topics) == []
    assert tags_for("A title", abstract * 2, topics) == ["distillation", "LM"]


def test_accents_are_folded_on_both_sides():
    assert tags_for("Réseaux de neurones", topics={"neural": ["reseaux"]}) == ["neural"]
    assert tags_for("Reseaux", topics={"neural": ["réseaux"]}) == ["neural"]


def test_an_abstract_must_mention_a_topic_more_than_in_passing():
    topics = {"RL": ["reinforcement learning"]}
    once = "Unlike reinforcement learning, we use supervision."
    assert tags_for("A title", once, topics) == []
    assert tags_for("A title", once + " Reinforcement learning again.", topics) == ["RL"]
    strict = {"RL": {"patterns": ["reinforcement learning"], "min_mentions": 3}}
    assert tags_for("A title", once + " Reinforcement learning again.", strict) == []


def test_a_malformed_topic_setting_names_the_topic():
    with pytest.raises(SettingsError, match="topic 'x' has no patterns"):
        Config.from_settings({"PAPERSHELF_TOPICS": {"x": []}})
    with pytest.raises(SettingsError, match="topic 'y': unknown keys"):
        Config.from_settings({"PAPERSHELF_TOPICS": {"y": {"pattern": ["a"]}}})


def seed_tags():
    from pelican.settings import read_settings

    config = Config.from_settings(read_settings(str(ROOT / "pelicanconf.py")))
    result = archive.build(read_listing(SEED)[0], config)
    return {p.title.split(":")[0]: {t.name for t in p.tags} for p in result.papers}, result


def test_the_seed_papers_that_belong_together_share_a_tag():
    tags, result = seed_tags()
    self_training = [title for title, names in tags.items() if "self-training" in names]
    assert sorted(self_training) == [
        "Learning Math Reasoning from Self-Sampled Correct and Partially-Correct Solutions",
        "Learning from Future",
        "LiST",
        "ReST-MCTS*",
        "Self-Training",
        "Self-Training for Sample-Efficient Active Learning for Text Classification with "
        "Pre-Trained Language Models",
    ]
    assert "neural operators and PDEs" in tags["DGNO"] & tags["MgNO"]
    assert "deepfake detection" in tags["DF40"] & tags["FakeLocator"]
    assert tags["TÜLU 3"] >= {"language models", "fine-tuning", "reinforcement learning"}
    assert tags["Pre-training for Speech Translation"] >= {"speech", "translation", "pre-training"}
    assert result.warnings == []


def test_every_seed_paper_has_a_tag():
    tags, _ = seed_tags()
    assert [title for title, names in tags.items() if not names] == []


def test_a_topic_that_tags_most_of_the_archive_is_reported():
    entries = read_listing(SEED)[0]
    result = archive.build(entries, Config(topics={"everything": ["the"], "rare": ["multigrid"]}))
    assert result.warnings == [
        "topic 'everything' tags 46 of 46 papers: its patterns are too broad"
    ]


def test_api_keywords_become_tags_only_through_the_setting():
    entry = Entry(
        title="A paper",
        abstract="",
        date=dt.date(2025, 12, 15),
        dated=True,
        keywords=("diffusion models", "Video generation"),
        listing="x",
        line=1,
    )
    plain = archive.build([entry])
    assert plain.papers[0].tags == ()
    mapped = archive.build([entry], Config(keyword_tags={"video generation": "video"}))
    assert [t.name for t in mapped.papers[0].tags] == ["video"]
    assert mapped.papers[0].keywords == ("diffusion models", "Video generation")
