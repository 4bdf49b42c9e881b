package dev.jtc.shortcuts.figures;

import de.erichseifert.vectorgraphics2d.Processor;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.pdf.PDFProcessor;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;

import dev.jtc.weights.AtomicFile;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One drawing written as baseName.png, baseName.svg and baseName.pdf, all of the same picture. The drawing
 * works in a logical canvas of width × height pixels; the PNG is rendered at {@link #PNG_SCALE} times that so
 * it stays sharp in a paper or on a high-density screen, the SVG keeps the logical size, and the PDF page
 * is the logical size at 96 pixels per inch (VectorGraphics2D's PDF unit is the millimetre).
 */
final class FigureFiles {

    static {
        // A figure never needs a screen: on a machine with no display (CI) AWT must not try to open one.
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    static final int PNG_SCALE = 2;
    private static final double MILLIMETRES_PER_PIXEL = 25.4 / 96;

    /** Paints the figure onto a canvas of the logical size. */
    @FunctionalInterface
    interface Drawing {
        void paint(Graphics2D g);
    }

    private FigureFiles() {
    }

    static void write(Path directory, String baseName, int width, int height, Drawing drawing) throws IOException {
        Files.createDirectories(directory);
        writePng(directory.resolve(baseName + ".png"), width, height, drawing);
        writeVector(directory.resolve(baseName + ".svg"), new SVGProcessor(), new PageSize(0, 0, width, height), 1,
                drawing);
        writeVector(directory.resolve(baseName + ".pdf"), new PDFProcessor(true),
                new PageSize(0, 0, width * MILLIMETRES_PER_PIXEL, height * MILLIMETRES_PER_PIXEL),
                MILLIMETRES_PER_PIXEL, drawing);
    }

    private static void writePng(Path file, int width, int height, Drawing drawing) throws IOException {
        BufferedImage image = new BufferedImage(width * PNG_SCALE, height * PNG_SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.scale(PNG_SCALE, PNG_SCALE);
            drawing.paint(g);
        } finally {
            g.dispose();
        }
        write(file, out -> {
            if (!ImageIO.write(image, "png", out)) throw new IOException("no PNG writer in this Java runtime");
        });
    }

    private static void writeVector(Path file, Processor processor, PageSize page, double scale, Drawing drawing)
            throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        g.scale(scale, scale);
        drawing.paint(g);
        write(file, out -> processor.getDocument(g.getCommands(), page).writeTo(out));
    }

    private static void write(Path file, AtomicFile.Contents content) throws IOException {
        try {
            AtomicFile.write(file, content);
        } catch (UncheckedIOException e) {
            throw new IOException(file + ": cannot write the figure (" + e.getCause().getMessage() + ").", e.getCause());
        }
    }
}
