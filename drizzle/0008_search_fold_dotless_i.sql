-- Contact search folds the Turkish dotless ı to i (search-text.ts); rows written before keep it until rewritten here.
UPDATE "contacts" SET "search_text" = replace("search_text", 'ı', 'i') WHERE "search_text" LIKE '%ı%';
