package io.hardneg.spark.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * Draws sampled mined triplets of an image input as a PNG: per triplet the anchor, positive and
 * negative side by side (grey pixels scaled up, no smoothing), the labels, {@code d(a,p)}, {@code
 * d(a,n)} and the triplet's kind underneath. Reads {@code triplet-images.csv} ({@link
 * RoundTables}).
 */
final class TripletGrid {
  static final int SCALE = 3;
  static final int COLUMNS = 2;
  private static final int GAP = 6;
  private static final int TEXT = 34;

  private TripletGrid() {}

  /** One item of a triplet. */
  record Item(
      int triplet,
      String role,
      long id,
      long label,
      double dAp,
      double dAn,
      String kind,
      int side,
      int[] pixels) {}

  /** Parses {@code triplet-images.csv}. */
  static List<Item> parse(String csv) {
    List<Item> items = new ArrayList<>();
    String[] lines = csv.split("\n");
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].split(",", -1);
      if (f.length != 9) {
        throw new IllegalArgumentException(
            "triplet-images.csv line " + (i + 1) + ": expected 9 " + "fields, got " + f.length);
      }
      String[] px = f[8].trim().split(" ");
      int[] p = new int[px.length];
      for (int k = 0; k < px.length; k++) {
        p[k] = Integer.parseInt(px[k]);
      }
      int side = Integer.parseInt(f[7]);
      if (side * side != p.length) {
        throw new IllegalArgumentException(
            "triplet-images.csv line "
                + (i + 1)
                + ": "
                + p.length
                + " pixels is not side² = "
                + side * side);
      }
      items.add(
          new Item(
              Integer.parseInt(f[0]),
              f[1],
              Long.parseLong(f[2]),
              Long.parseLong(f[3]),
              Double.parseDouble(f[4]),
              Double.parseDouble(f[5]),
              f[6],
              side,
              p));
    }
    return items;
  }

  /** The grid as PNG bytes; null when there is nothing to draw. */
  static byte[] png(List<Item> items) throws IOException {
    if (items.isEmpty()) {
      return null;
    }
    int side = items.get(0).side() * SCALE;
    int triplets = (int) items.stream().mapToInt(Item::triplet).distinct().count();
    int cellW = 3 * side + 2 * GAP;
    int cellH = side + TEXT;
    int cols = Math.min(COLUMNS, triplets);
    int rows = (triplets + cols - 1) / cols;
    int w = cols * cellW + (cols + 1) * 3 * GAP;
    int h = rows * cellH + (rows + 1) * GAP;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, w, h);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    for (Item it : items) {
      int cell = it.triplet();
      int x0 = 3 * GAP + (cell % cols) * (cellW + 3 * GAP);
      int y0 = GAP + (cell / cols) * (cellH + GAP);
      int slot =
          switch (it.role()) {
            case "anchor" -> 0;
            case "positive" -> 1;
            default -> 2;
          };
      int x = x0 + slot * (side + GAP);
      int s = it.side();
      for (int r = 0; r < s; r++) {
        for (int c = 0; c < s; c++) {
          // dark strokes on white paper read better than Fashion-MNIST's white on black
          int v = 255 - it.pixels()[r * s + c];
          g.setColor(new Color(v, v, v));
          g.fillRect(x + c * SCALE, y0 + r * SCALE, SCALE, SCALE);
        }
      }
      g.setColor(
          slot == 2 ? new Color(0xc0392b) : slot == 1 ? new Color(0x1e8449) : Color.DARK_GRAY);
      g.drawRect(x - 1, y0 - 1, side + 1, side + 1);
      g.setColor(Color.BLACK);
      String top =
          switch (slot) {
            case 0 -> "anchor · " + it.label();
            case 1 -> "pos · d " + String.format(Locale.ROOT, "%.3f", it.dAp());
            default -> "neg " + it.label() + " · d " + String.format(Locale.ROOT, "%.3f", it.dAn());
          };
      g.drawString(top, x, y0 + side + 13);
      if (slot == 0) {
        g.setColor(Color.GRAY);
        g.drawString(
            it.kind()
                + String.format(Locale.ROOT, ", d(a,n) − d(a,p) = %+.4f", it.dAn() - it.dAp()),
            x,
            y0 + side + 27);
      }
    }
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }
}
