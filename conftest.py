"""Root of every test run. The chassis reads no file of this repository by itself: this says where
the repository keeps what the tests need (event contracts, broker definitions)."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent

os.environ.setdefault("ABITARE_CONTRACTS_DIR", str(ROOT / "infra" / "contracts"))
os.environ.setdefault("ABITARE_BROKER_DEFINITIONS", str(ROOT / "infra" / "rabbitmq" / "definitions.json"))
