import { useCallback, useEffect, useRef, useState } from 'react';
import { transcribe } from '../api/assistant.api';
import { errorMessage } from '../api/api-client';

type Recognition = {
  lang: string;
  interimResults: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onerror: (() => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
};
type RecognitionClass = new () => Recognition;

function browserRecognition(): RecognitionClass | undefined {
  const w = window as unknown as { SpeechRecognition?: RecognitionClass; webkitSpeechRecognition?: RecognitionClass };
  return w.SpeechRecognition ?? w.webkitSpeechRecognition;
}

/**
 * A spoken question: recorded and transcribed by the server's model when AI is on, otherwise the
 * browser's own speech recognition; `available` is false when neither can be used (hide the button).
 */
export function useVoiceInput(serverModel: boolean, onText: (text: string) => void) {
  const [state, setState] = useState<'idle' | 'listening' | 'transcribing'>('idle');
  const [error, setError] = useState<string>();
  const stopRef = useRef<() => void>(undefined);
  const canRecord = serverModel && typeof MediaRecorder !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;
  const Recognition = typeof window === 'undefined' ? undefined : browserRecognition();
  const available = canRecord || !!Recognition;

  useEffect(() => () => stopRef.current?.(), []);

  const start = useCallback(async () => {
    setError(undefined);
    if (canRecord) {
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        const recorder = new MediaRecorder(stream);
        const chunks: Blob[] = [];
        recorder.ondataavailable = (e) => chunks.push(e.data);
        recorder.onstop = async () => {
          for (const track of stream.getTracks()) track.stop();
          setState('transcribing');
          try {
            onText((await transcribe(new Blob(chunks, { type: recorder.mimeType || 'audio/webm' }))).text);
          } catch (err) {
            setError(errorMessage(err));
          } finally {
            setState('idle');
          }
        };
        recorder.start();
        stopRef.current = () => recorder.state !== 'inactive' && recorder.stop();
        setState('listening');
      } catch {
        setError('The microphone could not be used. Allow it in the browser, or type the question.');
      }
      return;
    }
    if (!Recognition) return;
    const recognition = new Recognition();
    recognition.lang = navigator.language;
    recognition.interimResults = false;
    recognition.onresult = (e) => onText(Array.from(e.results, (r) => r[0]?.transcript ?? '').join(' '));
    recognition.onerror = () => setError('Speech was not recognised. Try again, or type the question.');
    recognition.onend = () => setState('idle');
    recognition.start();
    stopRef.current = () => recognition.stop();
    setState('listening');
  }, [canRecord, Recognition, onText]);

  const stop = useCallback(() => stopRef.current?.(), []);
  return { available, state, error, start, stop };
}
