// For a text field whose schema names a text media type (`contentMediaType`, e.g. text/csv): a button
// that loads a file the user picks into the field. The file is read in the browser and sent as the
// field's text, so the server sees exactly what an API client would send.
import { Button, FileButton, Group, Text } from "@mantine/core";
import { IconUpload } from "@tabler/icons-react";
import { useState } from "react";

/** File name extensions browsers accept for a media type, beside the type itself (CSV files are
 *  often reported as application/vnd.ms-excel or with no type at all). */
const EXTENSIONS: Record<string, string> = {
  "text/csv": ".csv",
  "text/plain": ".txt",
  "text/tab-separated-values": ".tsv",
};

export function acceptFor(mediaType: string): string {
  const extension = EXTENSIONS[mediaType];
  return extension ? `${mediaType},${extension}` : mediaType;
}

function readText(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

interface Props {
  mediaType: string;
  maxLength: number | undefined;
  onLoad: (text: string) => void;
}

export function TextFileLoader({ mediaType, maxLength, onLoad }: Props) {
  const [loaded, setLoaded] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const load = async (file: File | null) => {
    if (!file) return;
    // Refused before anything changes: the field keeps what it had. A file of more bytes than four
    // per allowed character cannot fit (UTF-8), so it is not even read into memory.
    const tooLarge = `${file.name} is too large: at most ${maxLength?.toLocaleString("en")} characters.`;
    if (maxLength !== undefined && file.size > 4 * maxLength) {
      setProblem(tooLarge);
      return;
    }
    let text: string;
    try {
      text = await readText(file);
    } catch {
      setProblem(`${file.name} could not be read as text.`);
      return;
    }
    if (maxLength !== undefined && text.length > maxLength) {
      setProblem(tooLarge);
      return;
    }
    setProblem(null);
    setLoaded(file.name);
    onLoad(text);
  };

  return (
    <Group gap="sm" mt={6}>
      <FileButton onChange={(file) => void load(file)} accept={acceptFor(mediaType)}>
        {(props) => (
          <Button {...props} variant="default" size="xs" leftSection={<IconUpload size={14} aria-hidden />}>
            Load from a file…
          </Button>
        )}
      </FileButton>
      {loaded && (
        <Text size="xs" c="dimmed" role="status">
          Loaded {loaded}
        </Text>
      )}
      {problem && (
        <Text size="xs" c="red" role="alert">
          {problem}
        </Text>
      )}
    </Group>
  );
}
