package dev.comet.runtime;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.core.NodeConfig;
import dev.comet.storage.Store;
import dev.comet.id.Bep42;
import dev.comet.id.NodeId;
import dev.comet.routing.Contact;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A node's data directory: its id ({@code node-id}), the contacts of its routing table ({@code contacts}), so that
 * a restarted node keeps its identity and rejoins without a bootstrap node, the public address its peers named
 * ({@code external-address}, for a BEP 42 id at the next start) and its store ({@code store/}).
 * Files are replaced atomically.
 */
public final class DataDirectory {
    private static final String ID_FILE = "node-id";
    private static final String EXTERNAL_ADDRESS_FILE = "external-address";
    private static final String CONTACTS_FILE = "contacts";

    private final Path root;

    public DataDirectory(Path root) {
        this.root = root;
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new CometException(ErrorCode.IO, "cannot create data directory " + root + ": " + e.getMessage(), e);
        }
        if (!Files.isWritable(root)) {
            throw new CometException(ErrorCode.IO, "data directory " + root + " is not writable");
        }
    }

    public Path root() {
        return root;
    }

    /** The node's RocksDB store, in {@code store/} under this directory, with the quota of {@code config}. */
    public Store openStore(NodeConfig config) {
        return RocksDbStore.open(root.resolve("store"), config.maxStoreRecords(), config.maxStoreBytes(), false);
    }

    /**
     * The saved node id, or a new one that is saved at once. The id is bound by BEP 42 to the node's public address
     * when one is known ({@code bound}, else the address its peers named in an earlier run): a saved id that is not
     * bound to it is replaced, since other Comet nodes would not choose this node as a replica.
     */
    public NodeId loadOrCreateId(RandomGenerator random, InetAddress bound) {
        InetAddress publicAddress = bound != null && !Bep42.exempt(bound) ? bound : loadExternalAddress();
        Path file = root.resolve(ID_FILE);
        if (Files.exists(file)) {
            try {
                NodeId saved = NodeId.fromHex(Files.readString(file, StandardCharsets.US_ASCII).trim());
                if (publicAddress == null || Bep42.valid(saved, publicAddress)) {
                    return saved;
                }
            } catch (IOException | CometException e) {
                throw new CometException(ErrorCode.IO, "cannot read node id from " + file + ": " + e.getMessage(), e);
            }
        }
        NodeId id = publicAddress != null ? Bep42.idFor(publicAddress, random) : NodeId.random(random);
        writeAtomically(file, id.toHex() + "\n");
        return id;
    }

    /** Remembers the public address the node's peers named, for the id of its next start. */
    public void saveExternalAddress(InetAddress address) {
        writeAtomically(root.resolve(EXTERNAL_ADDRESS_FILE), address.getHostAddress() + "\n");
    }

    private InetAddress loadExternalAddress() {
        Path file = root.resolve(EXTERNAL_ADDRESS_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            // a literal address only: InetAddress.getByName would resolve a host name
            return text.matches("[0-9a-fA-F:.]+") ? InetAddress.getByName(text) : null;
        } catch (IOException e) {
            return null; // a hint, like the contacts: without it the node keeps its id
        }
    }

    /** The contacts saved by an earlier run; unreadable lines are skipped (the file is a hint, not the truth). */
    public List<Contact> loadContacts() {
        Path file = root.resolve(CONTACTS_FILE);
        List<Contact> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 2) {
                continue;
            }
            try {
                NodeId id = NodeId.fromHex(parts[0]);
                int colon = parts[1].lastIndexOf(':');
                InetAddress ip = InetAddress.getByName(parts[1].substring(0, colon));
                int port = Integer.parseInt(parts[1].substring(colon + 1));
                out.add(new Contact(id, new InetSocketAddress(ip, port)));
            } catch (RuntimeException | IOException e) {
                // a damaged line costs one contact, not the restart
            }
        }
        return out;
    }

    public void saveContacts(List<Contact> contacts) {
        StringBuilder sb = new StringBuilder();
        for (Contact c : contacts) {
            sb.append(c.id().toHex()).append(' ').append(c.address().getAddress().getHostAddress())
                    .append(':').append(c.address().getPort()).append('\n');
        }
        writeAtomically(root.resolve(CONTACTS_FILE), sb.toString());
    }

    private static void writeAtomically(Path file, String content) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.writeString(tmp, content, StandardCharsets.US_ASCII);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new CometException(ErrorCode.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
