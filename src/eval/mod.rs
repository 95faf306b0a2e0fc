//! Scoring extraction against external gold annotations (under construction).
