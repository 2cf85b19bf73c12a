package dev.strata.builder.profile;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.strata.builder.profile.YamlNode.Entry;
import dev.strata.builder.profile.YamlNode.Mapping;
import dev.strata.builder.profile.YamlNode.Scalar;
import dev.strata.builder.profile.YamlNode.ScalarKind;
import dev.strata.builder.profile.YamlNode.Sequence;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML file into a {@link YamlNode} tree using Jackson's streaming parser, whose
 * token locations give every key and value its line and column. It knows nothing about
 * profiles; it only refuses YAML that would silently mean something else than it reads
 * (duplicate keys, aliases, several documents).
 */
final class YamlTreeReader {

    private final YAMLFactory factory = new YAMLFactory();

    /**
     * @param file absolute, normalised path; locations carry it as given
     * @return the document's root node
     */
    YamlNode read(Path file) {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonParser parser = factory.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new ProfileException(SourceLocation.of(file), "the file is empty");
            }
            YamlNode root = readValue(parser, file);
            if (parser.nextToken() != null) {
                throw new ProfileException(at(parser, file),
                        "a profile is one YAML document; remove the second one (or the '---' before it)");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ProfileException(SourceLocation.of(file), "file not found: " + file, e);
        } catch (CharacterCodingException e) {
            throw new ProfileException(SourceLocation.of(file), "the file is not valid UTF-8", e);
        } catch (JsonProcessingException e) {
            throw syntaxError(file, e);
        } catch (IOException e) {
            throw new ProfileException(SourceLocation.of(file), "cannot read the file: " + e, e);
        }
    }

    /** Reads the value whose first token is the parser's current token. */
    private YamlNode readValue(JsonParser parser, Path file) throws IOException {
        SourceLocation location = at(parser, file);
        if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
            // Jackson reports "*name" as the string "name" instead of the anchored value.
            throw new ProfileException(location, "YAML aliases (*" + parser.getText() + ") are not supported");
        }
        JsonToken token = parser.currentToken();
        return switch (token) {
            case START_OBJECT -> readMapping(parser, file, location);
            case START_ARRAY -> readSequence(parser, file, location);
            case VALUE_STRING -> new Scalar(parser.getText(), ScalarKind.STRING, location);
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> new Scalar(parser.getText(), ScalarKind.NUMBER, location);
            case VALUE_TRUE, VALUE_FALSE -> new Scalar(parser.getText(), ScalarKind.BOOLEAN, location);
            case VALUE_NULL -> new Scalar("", ScalarKind.NULL, location);
            default -> throw new ProfileException(location, "unsupported YAML content (" + token + ")");
        };
    }

    private Mapping readMapping(JsonParser parser, Path file, SourceLocation location) throws IOException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            SourceLocation keyLocation = at(parser, file);
            Entry earlier = entries.get(key);
            if (earlier != null) {
                // YAML forbids it and Jackson would quietly keep the last one.
                throw new ProfileException(keyLocation, "duplicate key '" + key + "' (first at line "
                        + earlier.keyLocation().line() + ")");
            }
            parser.nextToken();
            entries.put(key, new Entry(keyLocation, readValue(parser, file)));
        }
        return new Mapping(entries, location);
    }

    private Sequence readSequence(JsonParser parser, Path file, SourceLocation location) throws IOException {
        List<YamlNode> items = new ArrayList<>();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(parser, file));
        }
        return new Sequence(items, location);
    }

    private static SourceLocation at(JsonParser parser, Path file) {
        JsonLocation location = parser.currentTokenLocation();
        return new SourceLocation(file, Math.max(location.getLineNr(), 0), Math.max(location.getColumnNr(), 0));
    }

    /**
     * SnakeYAML's mark is where the problem is; Jackson's own location is where its reader
     * happened to be, which for an unclosed quote is the wrong line.
     */
    private static ProfileException syntaxError(Path file, JsonProcessingException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException marked && marked.getProblemMark() != null) {
                String problem = "YAML syntax error: " + marked.getProblem();
                if (marked.getContext() != null && marked.getContextMark() != null) {
                    problem += " (" + marked.getContext() + " at line " + (marked.getContextMark().getLine() + 1)
                            + ", column " + (marked.getContextMark().getColumn() + 1) + ")";
                }
                return new ProfileException(new SourceLocation(file, marked.getProblemMark().getLine() + 1,
                        marked.getProblemMark().getColumn() + 1), problem, e);
            }
        }
        JsonLocation location = e.getLocation();
        SourceLocation at = location == null ? SourceLocation.of(file)
                : new SourceLocation(file, Math.max(location.getLineNr(), 0), Math.max(location.getColumnNr(), 0));
        return new ProfileException(at, "YAML syntax error: " + e.getOriginalMessage(), e);
    }
}
