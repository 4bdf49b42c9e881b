package dev.jtc.engine.linalg;

/** Whether the fit has a bias: {@code ŷ = A·x} ({@link #NONE}, the paper's maps) or {@code ŷ = A·x + b} ({@link #FITTED}). */
public enum Intercept { NONE, FITTED }
