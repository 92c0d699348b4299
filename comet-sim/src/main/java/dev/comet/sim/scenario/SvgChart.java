package dev.comet.sim.scenario;

import java.util.List;
import java.util.Locale;

/**
 * A line chart of one series as a standalone SVG document: axes with a few labelled ticks, the series as a polyline
 * (and dots when it has few points), virtual time in seconds along x. Stateless.
 */
public final class SvgChart {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private SvgChart() {
    }

    /** The chart of {@code points} ({time s, value}) titled {@code title}. */
    public static String of(String title, List<double[]> points) {
        double minX = 0;
        double maxX = 1;
        double minY = 0;
        double maxY = 1;
        if (!points.isEmpty()) {
            minX = points.stream().mapToDouble(p -> p[0]).min().orElseThrow();
            maxX = points.stream().mapToDouble(p -> p[0]).max().orElseThrow();
            minY = Math.min(0, points.stream().mapToDouble(p -> p[1]).min().orElseThrow());
            maxY = points.stream().mapToDouble(p -> p[1]).max().orElseThrow();
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        if (maxY <= minY) {
            maxY = minY + 1;
        }
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        for (int i = 0; i <= 4; i++) {
            double fy = i / 4.0;
            double y = TOP + plotH - fy * plotH;
            double x = LEFT + fy * plotW;
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, WIDTH - RIGHT, y));
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, y + 4, escape(Numbers.text(minY + fy * (maxY - minY)))));
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x, HEIGHT - BOTTOM + 18, escape(Numbers.text(minX + fy * (maxX - minX)))));
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">virtual time (s)</text>%n",
                LEFT + plotW / 2, HEIGHT - 10));
        svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"#333\" points=\"%d,%d %d,%d %d,%d\"/>%n",
                LEFT, TOP, LEFT, TOP + (int) plotH, WIDTH - RIGHT, TOP + (int) plotH));
        StringBuilder line = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (double[] p : points) {
            double x = LEFT + (p[0] - minX) / (maxX - minX) * plotW;
            double y = TOP + plotH - (p[1] - minY) / (maxY - minY) * plotH;
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            if (points.size() <= 60) {
                dots.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>%n", x, y));
            }
        }
        if (!points.isEmpty()) {
            svg.append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"")
                    .append(line.toString().trim()).append("\"/>\n");
        } else {
            svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">no points</text>%n",
                    LEFT + plotW / 2, TOP + plotH / 2));
        }
        svg.append(dots);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
