package dev.comet.krpc;

/** The {@code v} field of KRPC messages: Comet's own, and how a node tells Comet nodes from other Mainline nodes. */
public final class ClientVersion {
    /** Our KRPC client version: "CM" and a two-byte version, how other Comet nodes recognise us. */
    public static final byte[] COMET = {'C', 'M', 0, 1};

    private ClientVersion() {
    }

    /** True when {@code version} (a message's {@code v}, possibly null) is a Comet node's. */
    public static boolean isComet(byte[] version) {
        return version != null && version.length >= 2 && version[0] == 'C' && version[1] == 'M';
    }
}
