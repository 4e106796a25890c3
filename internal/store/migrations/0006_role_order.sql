-- Protocol order (排名顺序) within the same role: the committee's official
-- order of, say, its vice-chairs (usually by 姓氏笔画 or by election order).
-- Lower sorts first; 0 means "not set" and sorts after every set value,
-- then by name. It orders people holding the same role kind only: the role
-- kind's rank (主席, 副主席, 秘书长, 常委) always comes first. 0–999.
ALTER TABLE member_role ADD COLUMN sort INTEGER NOT NULL DEFAULT 0;
