package dev.jtc.engine.linalg;

/** Whether a product is added to its destination or subtracted from it. */
public enum Accumulate { ADD, SUBTRACT }
