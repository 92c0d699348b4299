package dev.comet.runtime;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.storage.Store;
import dev.comet.storage.StoreFullException;
import dev.comet.storage.StoreUsage;
import dev.comet.storage.StoredRecord;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Store} in a RocksDB database: the node's durable store, in its data directory.
 *
 * <p>On disk a key is the store key as given, and a value is the record's expiry (8 bytes, big-endian milliseconds)
 * followed by the value bytes. RocksDB's default comparator orders keys bytewise (unsigned), which is the order
 * {@link #scan} promises. The quota is counted exactly like {@link dev.comet.storage.InMemoryStore}: record count and
 * key + value bytes (the 8 expiry bytes are not counted), expired records included until {@link #purgeExpired}.
 * The counts are computed by one scan of the whole database when it is opened, and kept in memory after that.
 *
 * <p><b>Durability.</b> Every write goes through the write-ahead log (it is never disabled), and {@link #put} returns
 * only after RocksDB has handed the log record to the operating system. So a write that was acknowledged survives
 * the process being killed ({@code kill -9}, an out-of-memory kill, a JVM crash): the kernel still holds the page
 * and writes it out, and RocksDB replays the log when the store is opened again. It does <em>not</em> by itself
 * survive a power loss or kernel crash, because the log is not fsynced per write. With {@code syncWrites = true}
 * each write also fsyncs the log before returning, which survives power loss too, at the price of one disk flush
 * per write: a few hundred to a few thousand writes per second on ordinary disks instead of tens of thousands or more
 * (see {@code RocksDbStoreThroughput} in the tests). Nodes of a DHT are replicated and items are re-published, so
 * the default for a node is {@code false}; a node whose data must survive power loss on its own sets it.
 *
 * <p>Methods are synchronized, so that a background purge and the node's thread can share a store. Every native
 * handle (options, filter, read/write options, iterators, batches, the database) is released by {@link #close}
 * or by try-with-resources; a closed store refuses every call with a {@link CometException}.
 * Failures of RocksDB become {@link CometException} with {@link ErrorCode#IO}; a full quota gives
 * {@link StoreFullException}.
 */
public final class RocksDbStore implements Store {
    /** Bytes of the expiry prefix of every stored value. */
    static final int EXPIRY_BYTES = Long.BYTES;
    /** Deletes written per batch by {@link #purgeExpired}, so a large purge does not build one huge batch. */
    private static final int PURGE_BATCH = 10_000;

    private static boolean libraryLoaded;

    private final Path dir;
    private final long maxRecords;
    private final long maxBytes;
    private final Options options;
    private final BloomFilter filter;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final ReadOptions purgeReadOptions;
    private final RocksDB db;
    private final boolean syncWrites;
    private long records;
    private long bytes;
    private boolean closed;

    private RocksDbStore(Path dir, long maxRecords, long maxBytes, boolean syncWrites, Options options,
                         BloomFilter filter, WriteOptions writeOptions, ReadOptions readOptions,
                         ReadOptions purgeReadOptions, RocksDB db) {
        this.dir = dir;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.syncWrites = syncWrites;
        this.options = options;
        this.filter = filter;
        this.writeOptions = writeOptions;
        this.readOptions = readOptions;
        this.purgeReadOptions = purgeReadOptions;
        this.db = db;
    }

    /**
     * Opens (creating it if needed) the store in {@code dir} with a quota of {@code maxRecords} records and
     * {@code maxBytes} bytes; {@code syncWrites} fsyncs the write-ahead log on every write (see the class comment).
     *
     * @throws CometException with {@link ErrorCode#IO} "cannot open store in DIR: ..." when the directory cannot be
     *                        created or opened (not writable, not a directory, locked by another store or process,
     *                        corrupt)
     */
    public static RocksDbStore open(Path dir, long maxRecords, long maxBytes, boolean syncWrites) {
        if (dir == null) {
            throw new CometException(ErrorCode.IO, "cannot open store: no directory given");
        }
        loadLibrary();
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw cannotOpen(dir, e.getFile() + " exists and is not a directory", e);
        } catch (IOException | RuntimeException e) {
            throw cannotOpen(dir, e.toString(), e);
        }
        Options options = null;
        BloomFilter filter = null;
        WriteOptions writeOptions = null;
        ReadOptions readOptions = null;
        ReadOptions purgeReadOptions = null;
        RocksDB db = null;
        try {
            filter = new BloomFilter(10);
            options = new Options()
                    .setCreateIfMissing(true)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(4)
                    .setMaxLogFileSize(8L << 20)
                    .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
            writeOptions = new WriteOptions().setSync(syncWrites).setDisableWAL(false);
            readOptions = new ReadOptions();
            purgeReadOptions = new ReadOptions().setFillCache(false);
            db = RocksDB.open(options, dir.toString());
            RocksDbStore store = new RocksDbStore(dir, maxRecords, maxBytes, syncWrites, options, filter,
                    writeOptions, readOptions, purgeReadOptions, db);
            store.countAll();
            return store;
        } catch (RocksDBException | RuntimeException e) {
            closeQuietly(db, options, filter, writeOptions, readOptions, purgeReadOptions);
            String reason = e.getMessage() == null ? e.toString() : e.getMessage();
            if (e instanceof RocksDBException && reason.contains("LOCK")) {
                reason += " (is another store or node process using this directory?)";
            }
            throw cannotOpen(dir, reason, e);
        }
    }

    /** The directory this store lives in. */
    public Path directory() {
        return dir;
    }

    @Override
    public synchronized void put(byte[] key, byte[] value, long expiresAtMillis) {
        checkOpen();
        requireBytes(key, "key");
        requireBytes(value, "value");
        byte[] old = read(key, "put");
        if (old != null) {
            checkStored(key, old);
        }
        long size = (long) key.length + value.length;
        long oldSize = old == null ? 0 : storedSize(key, old);
        long newBytes = bytes - oldSize + size;
        if (old == null && records >= maxRecords) {
            throw new StoreFullException("store full: " + records + " of " + maxRecords + " records used");
        }
        if (newBytes > maxBytes) {
            throw new StoreFullException("store full: " + bytes + " of " + maxBytes + " bytes used, record needs " + size);
        }
        try {
            db.put(writeOptions, key, encode(value, expiresAtMillis));
        } catch (RocksDBException e) {
            throw failure("put", e);
        }
        if (old == null) {
            records++;
        }
        bytes = newBytes;
    }

    @Override
    public synchronized Optional<StoredRecord> get(byte[] key, long now) {
        checkOpen();
        requireBytes(key, "key");
        byte[] stored = read(key, "get");
        if (stored == null) {
            return Optional.empty();
        }
        checkStored(key, stored);
        long expiresAt = expiry(stored);
        if (expiresAt <= now) {
            return Optional.empty();
        }
        return Optional.of(new StoredRecord(key.clone(), valueOf(stored), expiresAt));
    }

    @Override
    public synchronized List<StoredRecord> scan(byte[] prefix, long now, int limit) {
        checkOpen();
        requireBytes(prefix, "prefix");
        List<StoredRecord> out = new ArrayList<>();
        if (limit <= 0) {
            return out;
        }
        try (RocksIterator it = db.newIterator(readOptions)) {
            for (it.seek(prefix); it.isValid() && out.size() < limit; it.next()) {
                byte[] key = it.key();
                if (!startsWith(key, prefix)) {
                    break;
                }
                byte[] stored = it.value();
                checkStored(key, stored);
                long expiresAt = expiry(stored);
                if (expiresAt > now) {
                    out.add(new StoredRecord(key, valueOf(stored), expiresAt));
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan", e);
        }
        return out;
    }

    @Override
    public synchronized boolean delete(byte[] key) {
        checkOpen();
        requireBytes(key, "key");
        byte[] old = read(key, "delete");
        if (old == null) {
            return false;
        }
        checkStored(key, old);
        try {
            db.delete(writeOptions, key);
        } catch (RocksDBException e) {
            throw failure("delete", e);
        }
        records--;
        bytes -= storedSize(key, old);
        return true;
    }

    @Override
    public synchronized int purgeExpired(long now) {
        checkOpen();
        int purged = 0;
        try (RocksIterator it = db.newIterator(purgeReadOptions)) {
            // The iterator reads an implicit snapshot taken when it was created, so deleting behind it is safe.
            WriteBatch batch = new WriteBatch();
            int batchRecords = 0;
            long batchBytes = 0;
            try {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    byte[] key = it.key();
                    byte[] stored = it.value();
                    checkStored(key, stored);
                    if (expiry(stored) > now) {
                        continue;
                    }
                    batch.delete(key);
                    batchRecords++;
                    batchBytes += storedSize(key, stored);
                    if (batchRecords == PURGE_BATCH) {
                        db.write(writeOptions, batch);
                        records -= batchRecords;
                        bytes -= batchBytes;
                        purged += batchRecords;
                        batch.close();
                        batch = new WriteBatch();
                        batchRecords = 0;
                        batchBytes = 0;
                    }
                }
                it.status();
                if (batchRecords > 0) {
                    db.write(writeOptions, batch);
                    records -= batchRecords;
                    bytes -= batchBytes;
                    purged += batchRecords;
                }
            } finally {
                batch.close();
            }
        } catch (RocksDBException e) {
            throw failure("purge expired records", e);
        }
        return purged;
    }

    @Override
    public synchronized StoreUsage usage() {
        return new StoreUsage(records, bytes, maxRecords, maxBytes);
    }

    /** Closes the database and releases every native handle; a second call does nothing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        RocksDBException failure = null;
        try {
            if (!syncWrites) {
                db.syncWal(); // a clean shutdown also survives a power loss right after it
            }
        } catch (RocksDBException e) {
            failure = e;
        }
        try {
            db.closeE();
        } catch (RocksDBException e) {
            failure = failure == null ? e : failure;
        } finally {
            closeQuietly(null, options, filter, writeOptions, readOptions, purgeReadOptions);
        }
        if (failure != null) {
            throw failure("close", failure);
        }
    }

    /** Counts the records and bytes held, once, when the store is opened. */
    private void countAll() throws RocksDBException {
        long n = 0;
        long size = 0;
        try (RocksIterator it = db.newIterator(purgeReadOptions)) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] key = it.key();
                byte[] stored = it.value();
                checkStored(key, stored);
                n++;
                size += storedSize(key, stored);
            }
            it.status();
        }
        records = n;
        bytes = size;
    }

    private byte[] read(byte[] key, String operation) {
        try {
            return db.get(readOptions, key);
        } catch (RocksDBException e) {
            throw failure(operation, e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new CometException(ErrorCode.IO, "store in " + dir + " is closed");
        }
    }

    private void checkStored(byte[] key, byte[] stored) {
        if (stored.length < EXPIRY_BYTES) {
            throw new CometException(ErrorCode.IO, "store in " + dir + " is corrupt: record " + hex(key)
                    + " has " + stored.length + " bytes, fewer than its " + EXPIRY_BYTES + "-byte expiry");
        }
    }

    private CometException failure(String operation, RocksDBException e) {
        return new CometException(ErrorCode.IO, "store in " + dir + ": cannot " + operation + ": " + e.getMessage(), e);
    }

    private static CometException cannotOpen(Path dir, String reason, Throwable cause) {
        return new CometException(ErrorCode.IO, "cannot open store in " + dir + ": " + reason, cause);
    }

    private static void requireBytes(byte[] bytes, String what) {
        if (bytes == null) {
            throw new CometException(ErrorCode.IO, "store: " + what + " must not be null");
        }
    }

    /** The quota size of a stored record: key plus value, without the expiry prefix. */
    private static long storedSize(byte[] key, byte[] stored) {
        return (long) key.length + stored.length - EXPIRY_BYTES;
    }

    static byte[] encode(byte[] value, long expiresAtMillis) {
        byte[] out = new byte[EXPIRY_BYTES + value.length];
        for (int i = 0; i < EXPIRY_BYTES; i++) {
            out[i] = (byte) (expiresAtMillis >>> (56 - 8 * i));
        }
        System.arraycopy(value, 0, out, EXPIRY_BYTES, value.length);
        return out;
    }

    static long expiry(byte[] stored) {
        long v = 0;
        for (int i = 0; i < EXPIRY_BYTES; i++) {
            v = (v << 8) | (stored[i] & 0xFF);
        }
        return v;
    }

    private static byte[] valueOf(byte[] stored) {
        return Arrays.copyOfRange(stored, EXPIRY_BYTES, stored.length);
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            sb.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return sb.toString();
    }

    private static synchronized void loadLibrary() {
        if (libraryLoaded) {
            return;
        }
        try {
            RocksDB.loadLibrary();
        } catch (RuntimeException | LinkageError e) {
            throw new CometException(ErrorCode.IO, "cannot load the RocksDB native library: " + e, e);
        }
        libraryLoaded = true;
    }

    private static void closeQuietly(RocksDB db, AutoCloseable... handles) {
        if (db != null) {
            db.close();
        }
        for (AutoCloseable h : handles) {
            if (h != null) {
                try {
                    h.close();
                } catch (Exception ignored) {
                    // releasing a native handle after a failure: nothing more to do
                }
            }
        }
    }
}
