package dev.jtc.shortcuts.figures;

import java.awt.Color;

/**
 * The viridis colour map (van der Walt and Smith, matplotlib's default): sequential, perceptually uniform,
 * readable by colour-blind readers and in greyscale print. It is held as nine samples at 0, 1/8, ..., 1 with
 * linear interpolation between them, which is how XChart colours heat-map cells from its range colours.
 */
final class Viridis {

    static final Color[] SAMPLES = {
            new Color(0x440154), new Color(0x472D7B), new Color(0x3B528B), new Color(0x2C728E), new Color(0x21908C),
            new Color(0x27AD81), new Color(0x5DC863), new Color(0xAADC32), new Color(0xFDE725)};

    private Viridis() {
    }

    /**
     * The colour of {@code value} on [0, 1], values outside clipped to the ends. Channels are truncated, not
     * rounded, exactly as XChart does for the cells, so a colour bar drawn from this matches them to the bit.
     */
    static Color at(double value) {
        if (!(value > 0)) return SAMPLES[0];
        if (value >= 1) return SAMPLES[SAMPLES.length - 1];
        double position = value * (SAMPLES.length - 1);
        int below = (int) position;
        double t = position - below;
        Color a = SAMPLES[below], b = SAMPLES[below + 1];
        return new Color((int) (a.getRed() + t * (b.getRed() - a.getRed())),
                (int) (a.getGreen() + t * (b.getGreen() - a.getGreen())),
                (int) (a.getBlue() + t * (b.getBlue() - a.getBlue())));
    }
}
