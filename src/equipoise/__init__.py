"""equipoise: analyse a great power's balancing act in a regional conflict."""

__version__ = "0.1.0"
