package dev.jtc.shortcuts.figures;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;

/**
 * Text drawn as filled glyph outlines, the way XChart draws its own labels, so the SVG and PDF show the same
 * letters (ℓ and ′ included) whatever fonts the viewer has.
 */
final class OutlineText {

    private static final FontRenderContext CONTEXT = new FontRenderContext(null, true, true);

    private OutlineText() {
    }

    /** Fills {@code text} in the current colour, its baseline at y and its left end at {@code x − align × width}. */
    static void draw(Graphics2D g, String text, Font font, double x, double baseline, double align) {
        if (text.isEmpty()) return;
        TextLayout layout = new TextLayout(text, font, CONTEXT);
        AffineTransform at = AffineTransform.getTranslateInstance(x - align * layout.getAdvance(), baseline);
        g.fill(at.createTransformedShape(layout.getOutline(null)));
    }

    /** Height of the font's digits above the baseline, for centring a label on a tick. */
    static double digitHeight(Font font) {
        return new TextLayout("0", font, CONTEXT).getBounds().getHeight();
    }
}
