package store

import (
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

// demoInterpreterPool covers the expo's working-language pairs; names are
// written in the interpreters' own scripts.
var demoInterpreterPool = []struct {
	name  string
	pairs [][2]string
}{
	{"金美英 (Kim Mi-young)", [][2]string{{"ko", "zh"}, {"en", "ko"}}},
	{"Ольга Петрова", [][2]string{{"ru", "zh"}, {"en", "ru"}}},
	{"田中恵子", [][2]string{{"ja", "zh"}, {"en", "ja"}}},
	{"王芳 (Wang Fang)", [][2]string{{"en", "zh"}}},
	{"이수진 (Lee Su-jin)", [][2]string{{"ko", "ru"}, {"en", "ko"}}},
	{"Дмитрий Соколов", [][2]string{{"ru", "zh"}}},
	{"朴俊 (Park Jun)", [][2]string{{"ko", "zh"}}},
	{"佐藤健", [][2]string{{"ja", "zh"}, {"ja", "ko"}}},
	{"刘洋 (Liu Yang)", [][2]string{{"en", "zh"}, {"en", "ru"}}},
	{"Бат-Эрдэнэ Ганбаатар", [][2]string{{"mn", "zh"}, {"mn", "ru"}}},
	{"Анна Ким", [][2]string{{"ko", "ru"}}},
	{"Emily Carter", [][2]string{{"en", "ja"}, {"en", "ko"}}},
}

// demoInterpreters adds the interpreter pool with availability over the
// slot grid: each interpreter works about two thirds of the negotiation
// blocks, a different two thirds each. The last demo attendee account
// doubles as the first interpreter, so the interpreter's own agenda
// (/my/interpreting) can be tried with a demo login. It must run after the
// slot grid exists (without slots there is no availability) and, for demo
// meetings to get interpreters, before those meetings. Bulk inserts only.
func demoInterpreters(tx *gorm.DB, now time.Time) error {
	rows := make([]interpreterRow, len(demoInterpreterPool))
	for i, p := range demoInterpreterPool {
		rows[i] = interpreterRow{Name: p.name, CreatedAt: now}
	}
	var last []int64
	if err := tx.Model(&userRow{}).Where("role = ? AND email LIKE ?", string(expo.RoleAttendee), "attendee%@demo.expo").
		Order("id DESC").Limit(1).Pluck("id", &last).Error; err != nil {
		return err
	}
	if len(last) == 1 {
		rows[0].UserID = &last[0]
	}
	if err := tx.CreateInBatches(&rows, 100).Error; err != nil {
		return err
	}
	var langs []interpreterLangRow
	for i, p := range demoInterpreterPool {
		for _, pair := range p.pairs {
			a, b := expo.LanguagePair(pair[0], pair[1])
			langs = append(langs, interpreterLangRow{InterpreterID: rows[i].ID, LangA: a, LangB: b})
		}
	}
	if err := tx.CreateInBatches(&langs, 200).Error; err != nil {
		return err
	}
	for i, r := range rows {
		if err := tx.Exec(`INSERT INTO interpreter_availability (interpreter_id, slot_id)
			SELECT ?, id FROM slots WHERE (block_id + ?) % 3 <> 0`, r.ID, i).Error; err != nil {
			return err
		}
	}
	return nil
}
