package dev.jtc.shortcuts.figures;

import dev.jtc.shortcuts.mappings.Mapping;

import java.awt.Color;

/**
 * One colour per mapping, the same in every figure: the paper's (id red, mat blue, mat_attn green, mat_ffn
 * magenta, mat_ln orange) and brown for affine, which the paper does not have. The shades are matplotlib's
 * tab10 where it has the hue, so that neighbouring curves stay apart on screen and in print.
 */
final class MappingColours {

    /** The opacity of a confidence band: light enough that lines and other bands show through it. */
    private static final int BAND_ALPHA = 56;

    private MappingColours() {
    }

    static Color line(Mapping m) {
        return switch (m) {
            case ID -> new Color(0xD62728);
            case MAT -> new Color(0x1F77B4);
            case MAT_ATTN -> new Color(0x2CA02C);
            case MAT_FFN -> new Color(0xCC00CC);
            case MAT_LN -> new Color(0xFF7F0E);
            case AFFINE -> new Color(0x8C564B);
        };
    }

    static Color band(Mapping m) {
        Color c = line(m);
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), BAND_ALPHA);
    }
}
