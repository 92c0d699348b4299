package dev.comet.lua;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * string.format with the conversions of Lua 5.2 ({@code %c %d %i %o %u %x %X %e %E %f %g %G %q %s %%}) and C
 * printf semantics for flags, width and precision (both at most two digits, as in Lua), written into a
 * {@link MeteredBuffer} so the output is charged before it is allocated. Floating-point conversions round the
 * exact binary value half-to-even, as C libraries do.
 */
final class MeteredFormat {
    private static final String FLAGS = "-+ #0";
    private static final double TWO_63 = 0x1p63;
    private static final double TWO_64 = 0x1p64;

    private MeteredFormat() {
    }

    static LuaString format(Meter meter, Varargs args) {
        LuaString fmt = MeteredLibraries.checkString(args, 1);
        byte[] f = fmt.m_bytes;
        int i = fmt.m_offset;
        int end = i + fmt.m_length;
        int top = args.narg();
        int arg = 1;
        MeteredBuffer out = new MeteredBuffer(meter, fmt.m_length + 16);
        while (i < end) {
            int c = f[i++] & 0xFF;
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i < end && f[i] == '%') {
                out.append('%');
                i++;
                continue;
            }
            if (++arg > top) {
                throw MeteredLibraries.argError(arg, "format", "no value");
            }
            // flags, width, precision
            int flagsStart = i;
            boolean left = false;
            boolean plus = false;
            boolean space = false;
            boolean alt = false;
            boolean zero = false;
            while (i < end && FLAGS.indexOf(f[i]) >= 0) {
                switch (f[i]) {
                    case '-' -> left = true;
                    case '+' -> plus = true;
                    case ' ' -> space = true;
                    case '#' -> alt = true;
                    default -> zero = true;
                }
                i++;
            }
            if (i - flagsStart >= FLAGS.length() + 1) {
                throw MeteredLibraries.luaError("invalid format (repeated flags)");
            }
            int width = 0;
            if (i < end && isDigit(f[i])) {
                width = f[i++] - '0';
                if (i < end && isDigit(f[i])) {
                    width = width * 10 + f[i++] - '0';
                }
            }
            int precision = -1;
            if (i < end && f[i] == '.') {
                i++;
                precision = 0;
                if (i < end && isDigit(f[i])) {
                    precision = f[i++] - '0';
                    if (i < end && isDigit(f[i])) {
                        precision = precision * 10 + f[i++] - '0';
                    }
                }
            }
            if (i < end && isDigit(f[i])) {
                throw MeteredLibraries.luaError("invalid format (width or precision too long)");
            }
            int conversion = i < end ? f[i++] & 0xFF : 0;
            Spec spec = new Spec(left, plus, space, alt, zero, width, precision);
            switch (conversion) {
                case 'c' -> {
                    double d = args.checkdouble(arg);
                    // C converts through a 64-bit integer (out of range: the minimum) and keeps the low byte
                    int v = (int) (d >= -TWO_63 && d < TWO_63 ? (long) d : Long.MIN_VALUE) & 0xFF;
                    padded(out, spec, new byte[] {(byte) v});
                }
                case 'd', 'i' -> {
                    double n = args.checkdouble(arg);
                    if (!(n >= -TWO_63 && n < TWO_63)) {
                        throw MeteredLibraries.argError(arg, "format", "not a number in proper range");
                    }
                    long v = (long) n;
                    String digits = v < 0 ? Long.toString(v).substring(1) : Long.toString(v);
                    integer(out, spec, v < 0 ? "-" : spec.plus ? "+" : spec.space ? " " : "", "", digits, v == 0);
                }
                case 'o', 'u', 'x', 'X' -> {
                    double n = args.checkdouble(arg);
                    if (!(n > -1 && n < TWO_64)) {
                        throw MeteredLibraries.argError(arg, "format", "not a non-negative number in proper range");
                    }
                    long v = n < TWO_63 ? (long) n : (long) (n - TWO_63) + Long.MIN_VALUE;
                    String digits = switch (conversion) {
                        case 'o' -> Long.toUnsignedString(v, 8);
                        case 'u' -> Long.toUnsignedString(v);
                        case 'x' -> Long.toUnsignedString(v, 16);
                        default -> Long.toUnsignedString(v, 16).toUpperCase(java.util.Locale.ROOT);
                    };
                    String prefix = "";
                    if (spec.alt && v != 0 && conversion == 'x') {
                        prefix = "0x";
                    } else if (spec.alt && v != 0 && conversion == 'X') {
                        prefix = "0X";
                    }
                    integer(out, spec, "", prefix, digits, v == 0, conversion == 'o' && spec.alt);
                }
                case 'e', 'E', 'f', 'g', 'G', 'a', 'A' -> floating(out, spec, conversion, args.checkdouble(arg));
                case 'q' -> quoted(out, MeteredLibraries.checkString(args, arg));
                case 's' -> {
                    LuaString s = tolstring(args.arg(arg));
                    if (spec.precision < 0 && s.m_length >= 100) {
                        out.append(s);
                    } else {
                        int n = s.m_length;
                        for (int k = 0; k < n; k++) {
                            if (s.m_bytes[s.m_offset + k] == 0) {  // C's %s stops at a zero byte
                                n = k;
                                break;
                            }
                        }
                        if (spec.precision >= 0) {
                            n = Math.min(n, spec.precision);
                        }
                        byte[] body = new byte[n];
                        System.arraycopy(s.m_bytes, s.m_offset, body, 0, n);
                        padded(out, spec, body);
                    }
                }
                default -> throw MeteredLibraries.luaError("invalid option '%" + (conversion == 0 ? "" : Character.toString(conversion))
                        + "' to 'format'");
            }
        }
        return out.toLuaString();
    }

    private record Spec(boolean left, boolean plus, boolean space, boolean alt, boolean zero, int width,
                        int precision) {
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** luaL_tolstring: __tostring if present (must give a string), else the value's own string form. */
    static LuaString tolstring(LuaValue v) {
        LuaValue handler = v.metatag(LuaValue.TOSTRING);
        if (!handler.isnil()) {
            LuaValue r = handler.call(v);
            if (!r.isstring()) {
                throw MeteredLibraries.luaError("'__tostring' must return a string");
            }
            return MeteredLibraries.toLuaString(r);
        }
        if (v.isstring()) {
            return MeteredLibraries.toLuaString(v);
        }
        return LuaValue.valueOf(v.tojstring());
    }

    private static void padded(MeteredBuffer out, Spec spec, byte[] body) {
        int pad = spec.width - body.length;
        if (!spec.left) {
            out.appendRepeated(' ', pad);
        }
        out.append(body, 0, body.length);
        if (spec.left) {
            out.appendRepeated(' ', pad);
        }
    }

    private static void integer(MeteredBuffer out, Spec spec, String sign, String prefix, String digits,
                                boolean isZero) {
        integer(out, spec, sign, prefix, digits, isZero, false);
    }

    private static void integer(MeteredBuffer out, Spec spec, String sign, String prefix, String digits,
                                boolean isZero, boolean octalAlt) {
        if (spec.precision >= 0) {
            if (spec.precision == 0 && isZero) {
                digits = "";
            }
            if (digits.length() < spec.precision) {
                digits = "0".repeat(spec.precision - digits.length()) + digits;
            }
        }
        if (octalAlt && !digits.startsWith("0")) {
            digits = "0" + digits;
        }
        int length = sign.length() + prefix.length() + digits.length();
        int pad = spec.width - length;
        if (spec.left) {
            out.append(sign);
            out.append(prefix);
            out.append(digits);
            out.appendRepeated(' ', pad);
        } else if (spec.zero && spec.precision < 0) {
            out.append(sign);
            out.append(prefix);
            out.appendRepeated('0', pad);
            out.append(digits);
        } else {
            out.appendRepeated(' ', pad);
            out.append(sign);
            out.append(prefix);
            out.append(digits);
        }
    }

    private static void floating(MeteredBuffer out, Spec spec, int conversion, double v) {
        boolean negative = Double.doubleToRawLongBits(v) < 0;
        String sign = negative ? "-" : spec.plus ? "+" : spec.space ? " " : "";
        boolean upper = conversion == 'E' || conversion == 'G' || conversion == 'A';
        String body;
        boolean finite = !Double.isNaN(v) && !Double.isInfinite(v);
        if (!finite) {
            body = Double.isNaN(v) ? "nan" : "inf";
            if (upper) {
                body = body.toUpperCase(java.util.Locale.ROOT);
            }
        } else {
            double a = Math.abs(v);
            int precision = spec.precision < 0 ? 6 : spec.precision;
            if (conversion == 'a' || conversion == 'A') {
                sign += upper ? "0X" : "0x";
            }
            body = switch (conversion) {
                case 'a', 'A' -> hexadecimal(a, spec.precision, spec.alt, upper);
                case 'f' -> fixed(a, precision, spec.alt);
                case 'e', 'E' -> exponential(a, precision, spec.alt, upper);
                default -> general(a, spec.precision < 0 ? 6 : Math.max(precision, 1), spec.alt, upper);
            };
        }
        int pad = spec.width - sign.length() - body.length();
        if (spec.left) {
            out.append(sign);
            out.append(body);
            out.appendRepeated(' ', pad);
        } else if (spec.zero && finite) {
            out.append(sign);
            out.appendRepeated('0', pad);
            out.append(body);
        } else {
            out.appendRepeated(' ', pad);
            out.append(sign);
            out.append(body);
        }
    }

    private static String fixed(double a, int precision, boolean alt) {
        String s = new BigDecimal(a).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return precision == 0 && alt ? s + "." : s;
    }

    private static String exponential(double a, int precision, boolean alt, boolean upper) {
        String digits;
        int exponent;
        if (a == 0) {
            digits = "0".repeat(precision + 1);
            exponent = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            String u = r.unscaledValue().toString();
            exponent = u.length() - 1 - r.scale();
            digits = u.length() >= precision + 1 ? u.substring(0, precision + 1)
                    : u + "0".repeat(precision + 1 - u.length());
        }
        StringBuilder sb = new StringBuilder(precision + 8);
        sb.append(digits.charAt(0));
        if (precision > 0 || alt) {
            sb.append('.');
        }
        sb.append(digits, 1, digits.length());
        sb.append(upper ? 'E' : 'e').append(exponent < 0 ? '-' : '+');
        int e = Math.abs(exponent);
        if (e < 10) {
            sb.append('0');
        }
        sb.append(e);
        return sb.toString();
    }

    private static String general(double a, int p, boolean alt, boolean upper) {
        int x;
        if (a == 0) {
            x = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(p, RoundingMode.HALF_EVEN));
            x = r.precision() - 1 - r.scale();
        }
        if (p > x && x >= -4) {
            String s = fixed(a, p - 1 - x, alt);
            return alt ? s : stripZeros(s);
        }
        String s = exponential(a, p - 1, alt, upper);
        if (alt) {
            return s;
        }
        int e = s.indexOf(upper ? 'E' : 'e');
        return stripZeros(s.substring(0, e)) + s.substring(e);
    }

    /** %a without its "0x": the binary value in hexadecimal, shortest exact form unless a precision is given. */
    private static String hexadecimal(double a, int precision, boolean alt, boolean upper) {
        long bits = Double.doubleToRawLongBits(a);
        int biased = (int) ((bits >>> 52) & 0x7FF);
        long fraction = bits & ((1L << 52) - 1);
        long lead = biased == 0 ? 0 : 1;
        int exponent = biased == 0 ? (fraction == 0 ? 0 : -1022) : biased - 1023;
        String digits = String.format("%013x", fraction);
        if (precision < 0) {
            int n = digits.length();
            while (n > 0 && digits.charAt(n - 1) == '0') {
                n--;
            }
            digits = digits.substring(0, n);
        } else if (precision >= 13) {
            digits = digits + "0".repeat(precision - 13);
        } else {
            int drop = (13 - precision) * 4;
            long mantissa = (lead << 52) | fraction;
            long kept = mantissa >>> drop;
            long rest = mantissa & ((1L << drop) - 1);
            long half = 1L << (drop - 1);
            if (rest > half || (rest == half && (kept & 1) == 1)) {
                kept++;
            }
            lead = kept >>> (precision * 4);
            digits = precision == 0 ? "" : String.format("%0" + precision + "x", kept & ((1L << (precision * 4)) - 1));
        }
        String s = lead + (digits.isEmpty() && !alt ? "" : ".") + digits + "p" + (exponent < 0 ? "-" : "+")
                + Math.abs(exponent);
        return upper ? s.toUpperCase(java.util.Locale.ROOT) : s;
    }

    /** A number as Lua 5.2 writes it ({@code "%.14g"}), where LuaJ's own conversion differs for non-integers. */
    static String numberToString(double d) {
        boolean negative = Double.doubleToRawLongBits(d) < 0;
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return d == 0 && negative ? "-0" : Long.toString((long) d);
        }
        if (Double.isNaN(d)) {
            return negative ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return negative ? "-inf" : "inf";
        }
        String body = general(Math.abs(d), 14, false, false);
        return negative ? "-" + body : body;
    }

    private static String stripZeros(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int n = s.length();
        while (s.charAt(n - 1) == '0') {
            n--;
        }
        if (s.charAt(n - 1) == '.') {
            n--;
        }
        return s.substring(0, n);
    }

    /** %q: a string literal Lua can read back, as Lua 5.2 writes it. */
    private static void quoted(MeteredBuffer out, LuaString s) {
        byte[] b = s.m_bytes;
        int start = s.m_offset;
        int end = start + s.m_length;
        out.append('"');
        for (int i = start; i < end; i++) {
            int c = b[i] & 0xFF;
            if (c == '"' || c == '\\' || c == '\n') {
                out.append('\\');
                out.append(c);
            } else if (c == 0 || c < 32 || c == 127) {
                boolean digitNext = i + 1 < end && b[i + 1] >= '0' && b[i + 1] <= '9';
                String code = Integer.toString(c);
                out.append('\\');
                if (digitNext) {
                    out.appendRepeated('0', 3 - code.length());
                }
                out.append(code);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }
}
