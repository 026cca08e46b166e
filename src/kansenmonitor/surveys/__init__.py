"""Surveys: respondent-level microdata with a codebook, weighted shares per area under disclosure control,
and (in later modules) latent classes of capital and network measures.

Microdata never leave the store: every adapter shows only the outputs of :mod:`.estimate` that passed
:mod:`.disclosure`.
"""
