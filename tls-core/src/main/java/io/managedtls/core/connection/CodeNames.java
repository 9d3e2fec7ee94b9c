package io.managedtls.core.connection;

import java.util.Arrays;
import java.util.Map;

/**
 * The names of the two-byte codes of one TLS registry (versions, cipher suites, groups, signature schemes), looked up
 * without boxing, as the wire observer names every code of every hello it sees. A code the table lacks is named by
 * its hexadecimal value. Immutable.
 */
final class CodeNames {

    private static final char[] HEX_DIGITS = "0123456789ABCDEF".toCharArray();

    private final int[] codes;

    private final String[] names;

    private CodeNames(int[] codes, String[] names) {
        this.codes = codes;
        this.names = names;
    }

    /**
     * Creates a table.
     * @param names the name of each code
     * @return the table
     */
    static CodeNames of(Map<Integer, String> names) {
        int[] codes = names.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        String[] sorted = new String[codes.length];
        for (int i = 0; i < codes.length; i++) {
            sorted[i] = names.get(codes[i]);
        }
        return new CodeNames(codes, sorted);
    }

    /**
     * Returns the name of a code.
     * @param code the code, 0 to 65535
     * @return its name, or {@link #hex(int)} of it when the table lacks it
     */
    String name(int code) {
        int index = Arrays.binarySearch(this.codes, code);
        return (index >= 0) ? this.names[index] : hex(code);
    }

    /**
     * Formats a two-byte code as the registries print it.
     * @param code the code, 0 to 65535
     * @return {@code 0x} and four upper-case hexadecimal digits, for example {@code 0x1A2B}
     */
    static String hex(int code) {
        char[] digits = { '0', 'x', HEX_DIGITS[(code >>> 12) & 0xF], HEX_DIGITS[(code >>> 8) & 0xF],
                HEX_DIGITS[(code >>> 4) & 0xF], HEX_DIGITS[code & 0xF] };
        return new String(digits);
    }

}
