"""Settings for building the archive locally (`make html`)."""

import os
import sys

try:
    from pelican.plugins import papershelf
except ImportError:
    sys.exit("pelicanconf.py: papershelf is not installed: run `make html` (or pip install -e .)")

AUTHOR = "papershelf"
SITENAME = "papershelf"
SITE_DESCRIPTION = "A curated archive of research papers from the Hugging Face daily papers."
SITEURL = ""
RELATIVE_URLS = True  # the output works from any folder; publishconf.py sets SITEURL

PATH = "content"
ARTICLE_PATHS = ["posts"]  # a curator's own posts; papers come from listings/
PAGE_PATHS = ["pages"]
STATIC_PATHS = ["images"]
THEME = papershelf.THEME  # the archive's own look for the About page and posts too
PLUGINS = ["papershelf"]

# Rebuild only what changed: listings, topics and pages are cached in cache/
# by content hash (`pelican --ignore-cache` or `make clean` builds from scratch).
CACHE_CONTENT = True
LOAD_CONTENT_CACHE = True

TIMEZONE = "UTC"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

# The home page and the date pages come from papershelf, not from Pelican's
# article index and archives.
DIRECT_TEMPLATES = []
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
CATEGORY_SAVE_AS = TAG_SAVE_AS = AUTHOR_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""

FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# papershelf: every setting and its default is in pelican/plugins/papershelf/config.py.
PAPERSHELF_HOME_PAPERS = 30

# Topic rules: a tag for each topic, and the words or phrases that mark it.
# A paper gets the tag when its title has one, or its abstract has them at least
# PAPERSHELF_TOPIC_MIN_MENTIONS times. Hyphens and spaces match each other, a plural
# "s" is allowed, and a trailing * matches any ending. See the README.
PAPERSHELF_TOPICS = {
    "language models": {
        "patterns": ["large language model", "LLM", "language model"],
        "min_mentions": 5,
    },
    "architectures": {
        "patterns": [
            "encoder",
            "decoder",
            "mixture of experts",
            "MoE",
            "state space model",
            "attention mechanism",
        ],
        "min_mentions": 3,
    },
    "reasoning": ["reasoning", "chain of thought", "reasoner"],
    "mathematical reasoning": [
        "mathematical reasoning",
        "math reasoning",
        "numerical reasoning",
        "math word problem",
        "GSM8K",
        "theorem proving",
    ],
    "reinforcement learning": [
        "reinforcement learning",
        "RLHF",
        "RLVR",
        "policy optimization",
        "reward model",
        "process reward",
    ],
    "agents": ["agent", "agentic", "tool learning", "tool use", "tool learner"],
    "retrieval-augmented generation": ["retrieval augmented", "RAG"],
    "information retrieval": [
        "information retrieval",
        "ad hoc retrieval",
        "dense retrieval",
        "retriever",
        "search engine",
    ],
    "in-context learning": ["in context learning", "ICL", "demonstration retrieval"],
    "few-shot learning": ["few shot", "low resource"],
    "self-training": [
        "self train*",
        "pseudo label*",
        "self sampled",
        "self improvement",
        "self taught",
    ],
    "pre-training": ["pre train*", "pretrain*"],
    "fine-tuning": [
        "fine tuning",
        "finetuning",
        "fine tune",
        "instruction tuning",
        "post training",
        "SFT",
    ],
    "alignment": [
        "alignment",
        "human preference",
        "preference optimization",
        "DPO",
        "RLHF",
        "harmless",
    ],
    "distillation": ["distillation", "distill*"],
    "quantization": ["quantiz*", "low bit"],
    "pruning": ["prune", "pruning", "pruned"],
    "efficient training": [
        "efficient training",
        "parameter efficient",
        "PEFT",
        "LoRA",
        "sample efficient",
        "data efficient",
        "compute efficient",
        "training efficiency",
        "data subset",
        "memory efficient",
        "memory reduction",
        "low memory",
    ],
    "continual learning": [
        "continual learning",
        "class incremental",
        "rehearsal free",
        "catastrophic forgetting",
        "lifelong learning",
    ],
    "long context": ["long context", "long text", "long input", "long form"],
    "synthetic data": ["synthetic", "data augmentation", "data generation"],
    "diffusion": ["diffusion model", "diffusion", "denoising"],
    "3D": ["3D", "point cloud", "NeRF", "gaussian splatting"],
    "video": ["video"],
    "speech": ["speech", "audio", "ASR", "text to speech", "TTS"],
    "translation": ["machine translation", "speech translation", "translation"],
    "multimodal": ["multimodal", "multi modal", "vision language", "VLM", "MLLM"],
    "code generation": ["code generation", "program synthesis", "code LLM", "coding"],
    "neural operators and PDEs": [
        "neural operator",
        "PDE",
        "partial differential equation",
        "operator learning",
    ],
    "deepfake detection": ["deepfake", "face forgery", "face manipulation", "forgery"],
    "computer vision": [
        "semantic segmentation",
        "object detection",
        "image classification",
        "segmentation",
        "computer vision",
    ],
    "benchmarks and datasets": {
        "patterns": ["benchmark", "dataset", "test suite"],
        "min_mentions": 5,
    },
    "natural language processing": [
        "natural language processing",
        "NLP",
        "text classification",
        "word embedding",
        "plagiarism",
        "sentiment analysis",
    ],
    "boosting and ensembles": ["gradient boosting", "boosting", "ensemble"],
}
# The build warns about a topic that tags more than this share of the papers. The
# example archive is a topic page about training language models, so that topic
# covers about half of it; an archive of daily listings keeps the default, 0.5.
PAPERSHELF_BROAD_TOPIC_SHARE = 0.6

# The GitHub repository of this archive: each note links to its source file, and
# every paper page to GitHub's editor with a new note. `papershelf init` sets both
# from the git remote; GitHub Actions builds use the repository they run in.
PAPERSHELF_REPO_URL = ""
PAPERSHELF_REPO_BRANCH = "main"
if os.environ.get("GITHUB_REPOSITORY"):
    _server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
    PAPERSHELF_REPO_URL = f"{_server}/{os.environ['GITHUB_REPOSITORY']}"
