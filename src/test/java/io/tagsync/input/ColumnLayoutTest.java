package io.tagsync.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tagsync.run.TagsyncProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The column layout both the CSV and the Parquet reader use: names mapped or ignored, meanings once, an image ID. */
class ColumnLayoutTest {

    private static final InputPart FILE = InputPart.local(Path.of("in.parquet"));
    private static final TagsyncProperties.Input SETTINGS = new TagsyncProperties.Input(
            "|",
            Map.of("image_id", "imageId", "cam", "metadata.camera"),
            List.of("ingested_at"),
            null,
            null,
            null,
            null);

    @Test
    void mapsIgnoresAndTypesColumns() {
        ColumnLayout layout = new ColumnLayout(FILE, "", SETTINGS);

        assertThat(layout.add("image_id", "").kind()).isEqualTo(ColumnMeaning.Kind.IMAGE_ID);
        assertThat(layout.add("ingested_at", "")).isSameAs(ColumnMeaning.IGNORED);
        assertThat(layout.add("metadata.exposure:number", ""))
                .isEqualTo(new ColumnMeaning(
                        ColumnMeaning.Kind.METADATA_VALUE, "exposure", ColumnMeaning.ValueType.NUMBER));
        layout.requireImageId();
    }

    @Test
    void aMeaningTwiceIsRefusedEvenUnderAnotherName() {
        ColumnLayout layout = new ColumnLayout(FILE, "", SETTINGS);
        layout.add("metadata.camera", "");

        assertThatThrownBy(() -> layout.add("cam", ""))
                .isInstanceOf(InputException.class)
                .hasMessage("in.parquet: duplicate column 'cam' (mapped to metadata.camera)");
    }

    @Test
    void problemsArePlacedWhereTheReaderSays() {
        assertThatThrownBy(() -> new ColumnLayout(FILE, "line 1: ", SETTINGS).add("tagz", " of type string"))
                .hasMessageStartingWith("in.parquet: line 1: unknown column 'tagz' of type string (expected imageId");
        assertThatThrownBy(() -> new ColumnLayout(FILE, "", SETTINGS).add("metadata.size:int", ""))
                .hasMessageStartingWith("in.parquet: column 'metadata.size:int' has an unknown type ':int'");
        assertThatThrownBy(() -> new ColumnLayout(FILE, "", SETTINGS).requireImageId())
                .hasMessageStartingWith("in.parquet: no imageId column");
    }
}
