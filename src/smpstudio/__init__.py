"""SMP Studio: planning, preview and device programs for scalp micropigmentation.

Scalp micropigmentation (SMP) is a cosmetic tattoo: thousands of tiny pigment dots in the
upper dermis of the scalp that look like closely shaved hair. It grows no hair and treats no
hair loss. The stages run one way, each a pure function of the previous stage's values:
``analysis`` → ``head`` → ``design`` → ``pattern`` → ``sessions`` → ``render`` / ``program``.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
