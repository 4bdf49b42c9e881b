package dev.jtc.shortcuts.report;

import java.util.Locale;

/** The few pieces of HTML writing the report needs: escaping and number formats. */
final class Html {

    private Html() {
    }

    /** Text safe inside an element or a quoted attribute, whatever the user named a model or a file. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code value} with {@code decimals} places; a missing number (NaN) shows as an em dash. */
    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** A signed percentage such as {@code +7.9%}; NaN shows as an em dash. */
    static String signedPercent(double percent) {
        return Double.isNaN(percent) ? "—" : String.format(Locale.ROOT, "%+.1f%%", percent);
    }
}
