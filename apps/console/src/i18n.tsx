import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

/**
 * The console speaks Chinese (zh_CN, the default) or English. Every string is written in both at the place it is
 * shown, `t('登录', 'Sign in')`, so a screen carries its own words and no key can go missing from a dictionary.
 * The choice is kept in this browser (localStorage), and `<html lang>` follows it for screen readers.
 */
export type Lang = 'zh' | 'en';

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(zh: string, en: string): string;
}

const STORAGE_KEY = 'concord.lang';
const Context = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // A browser that keeps nothing (private mode) still switches for this page.
    }
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
  }, []);
  const value = useMemo<I18n>(
    () => ({ lang, setLang, t: (zh: string, en: string) => (lang === 'zh' ? zh : en) }),
    [lang, setLang],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
