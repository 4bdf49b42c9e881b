package dev.jtc.engine.model;

/** One vocabulary entry of a prediction: its id, raw logit and softmax probability. */
public record TokenScore(int token, float logit, double probability) {
}
