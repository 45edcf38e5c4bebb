package io.tagsync.input;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * Turns Parquet's physical values into what a metadata value or a tag can be, exactly or not at all: strings,
 * enums, UUIDs and JSON as text; integers of every width, signed or not, as exact whole numbers; DECIMAL as an
 * exact {@link BigDecimal}; DATE, TIME, TIMESTAMP (any unit, UTC-adjusted or local) and INT96 as ISO-8601 text;
 * floats and doubles as doubles (NaN and infinities become a {@link Problem} that rejects the row). Any other
 * type is refused when the file is opened, naming a cast that would work. Thread-safe.
 */
final class ParquetValues {

    private static final long JULIAN_EPOCH_DAY = 2_440_588L;

    private ParquetValues() {}

    /** A value that cannot be sent, with the reason; rejects its row. */
    record Problem(String reason) {}

    /** Decodes the values of one primitive column. */
    interface Decoder {
        default Object fromInt(int value) {
            throw new IllegalStateException("not an int column");
        }

        default Object fromLong(long value) {
            throw new IllegalStateException("not a long column");
        }

        default Object fromBinary(Binary value) {
            throw new IllegalStateException("not a binary column");
        }

        default Object fromFloat(float value) {
            return fromDouble(value);
        }

        default Object fromDouble(double value) {
            throw new IllegalStateException("not a floating-point column");
        }

        default Object fromBoolean(boolean value) {
            throw new IllegalStateException("not a boolean column");
        }
    }

    /**
     * The column's type as people name it: its logical type ({@code string}, {@code decimal(10,2)},
     * {@code uint32}, {@code timestamp(MICROS)}, {@code list}, {@code map}), else its physical one ({@code binary},
     * {@code int64}) or {@code struct}.
     */
    static String describe(Type type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical == null) {
            return type.isPrimitive()
                    ? type.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(Locale.ROOT)
                    : "struct";
        }
        if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer) {
            return (integer.isSigned() ? "int" : "uint") + integer.getBitWidth();
        }
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            return "decimal(" + decimal.getPrecision() + "," + decimal.getScale() + ")";
        }
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
            return "timestamp(" + timestamp.getUnit() + (timestamp.isAdjustedToUTC() ? ", UTC" : "") + ")";
        }
        if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time) {
            return "time(" + time.getUnit() + (time.isAdjustedToUTC() ? ", UTC" : "") + ")";
        }
        String name = logical.toString().toLowerCase(Locale.ROOT);
        int parenthesis = name.indexOf('(');
        return parenthesis > 0 ? name.substring(0, parenthesis) : name;
    }

    /** True when the column holds text: STRING, ENUM, JSON or UUID. */
    static boolean isText(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
                || logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation;
    }

    static boolean isJson(PrimitiveType type) {
        return type.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation;
    }

    /**
     * The decoder of a scalar column, or null when tagsync cannot send its values; {@link #castFor} then says
     * what to cast it to.
     */
    static Decoder decoder(PrimitiveType type) {
        PrimitiveTypeName physical = type.getPrimitiveTypeName();
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical == null) {
            return switch (physical) {
                case BOOLEAN ->
                    new Decoder() {
                        @Override
                        public Object fromBoolean(boolean value) {
                            return value;
                        }
                    };
                case INT32, INT64 -> signed();
                case FLOAT, DOUBLE ->
                    new Decoder() {
                        @Override
                        public Object fromDouble(double value) {
                            return Double.isFinite(value)
                                    ? (Object) value
                                    : new Problem(value + " is not a number JSON can carry");
                        }
                    };
                case INT96 ->
                    new Decoder() {
                        @Override
                        public Object fromBinary(Binary value) {
                            return int96(value);
                        }
                    };
                default -> null;
            };
        }
        if (isText(type)) {
            if (logical instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) {
                return new Decoder() {
                    @Override
                    public Object fromBinary(Binary value) {
                        ByteBuffer bytes = value.toByteBuffer();
                        return new UUID(bytes.getLong(), bytes.getLong()).toString();
                    }
                };
            }
            return new Decoder() {
                @Override
                public Object fromBinary(Binary value) {
                    return value.toStringUsingUTF8();
                }
            };
        }
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
            int scale = decimal.getScale();
            return new Decoder() {
                @Override
                public Object fromInt(int value) {
                    return BigDecimal.valueOf(value, scale);
                }

                @Override
                public Object fromLong(long value) {
                    return BigDecimal.valueOf(value, scale);
                }

                @Override
                public Object fromBinary(Binary value) {
                    return new BigDecimal(new BigInteger(value.getBytes()), scale);
                }
            };
        }
        if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation integer) {
            return integer.isSigned()
                    ? signed()
                    : new Decoder() {
                        @Override
                        public Object fromInt(int value) {
                            return Integer.toUnsignedLong(value);
                        }

                        @Override
                        public Object fromLong(long value) {
                            return value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
                        }
                    };
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return new Decoder() {
                @Override
                public Object fromInt(int value) {
                    return LocalDate.ofEpochDay(value).toString();
                }
            };
        }
        if (logical instanceof LogicalTypeAnnotation.TimeLogicalTypeAnnotation time) {
            String zone = time.isAdjustedToUTC() ? "Z" : "";
            TimeUnit unit = time.getUnit();
            return new Decoder() {
                @Override
                public Object fromInt(int value) {
                    return fromLong(value);
                }

                @Override
                public Object fromLong(long value) {
                    return DateTimeFormatter.ISO_LOCAL_TIME.format(LocalTime.ofNanoOfDay(nanos(value, unit))) + zone;
                }
            };
        }
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
            boolean utc = timestamp.isAdjustedToUTC();
            TimeUnit unit = timestamp.getUnit();
            return new Decoder() {
                @Override
                public Object fromLong(long value) {
                    Instant instant = instant(value, unit);
                    return utc
                            ? instant.toString()
                            : DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                                    LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
                }
            };
        }
        return null;
    }

    /** A cast that would make a refused column readable. */
    static String castFor(Type type) {
        if (!type.isPrimitive()) {
            return "a JSON string (in DuckDB: to_json(column); in Spark: to_json(column))";
        }
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.Float16LogicalTypeAnnotation) {
            return "FLOAT or DOUBLE";
        }
        return "VARCHAR (a string)";
    }

    private static Decoder signed() {
        return new Decoder() {
            @Override
            public Object fromInt(int value) {
                return (long) value;
            }

            @Override
            public Object fromLong(long value) {
                return value;
            }
        };
    }

    private static long nanos(long value, TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> value * 1_000_000L;
            case MICROS -> value * 1_000L;
            case NANOS -> value;
        };
    }

    private static Instant instant(long value, TimeUnit unit) {
        return switch (unit) {
            case MILLIS -> Instant.ofEpochMilli(value);
            case MICROS ->
                Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000L), Math.floorMod(value, 1_000_000L) * 1_000L);
            case NANOS ->
                Instant.ofEpochSecond(Math.floorDiv(value, 1_000_000_000L), Math.floorMod(value, 1_000_000_000L));
        };
    }

    /** Spark's and Impala's INT96 timestamp: nanoseconds of the day, then the Julian day, little-endian; UTC. */
    private static String int96(Binary value) {
        ByteBuffer bytes = value.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        long nanosOfDay = bytes.getLong();
        long julianDay = Integer.toUnsignedLong(bytes.getInt());
        return Instant.ofEpochSecond((julianDay - JULIAN_EPOCH_DAY) * 86_400L, nanosOfDay)
                .toString();
    }
}
