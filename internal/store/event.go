package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"expo/internal/expo"
)

const dayLayout = "2006-01-02"

type expoRow struct {
	ID       int
	Name     string
	City     string
	Venue    string
	StartsOn string
	EndsOn   string
}

func (expoRow) TableName() string { return "expos" }

type hallRow struct {
	ID   int64
	Code string
	Name string
}

func (hallRow) TableName() string { return "halls" }

type roomRow struct {
	ID        int64
	Name      string
	HallID    *int64
	Capacity  int
	Equipment string
}

func (roomRow) TableName() string { return "rooms" }

type openingRow struct {
	Day      string `gorm:"primaryKey"`
	OpensAt  time.Time
	ClosesAt time.Time
}

func (openingRow) TableName() string { return "opening_hours" }

// Event returns the expo's name and dates in loc; ok is false before the
// organizers have described the event.
func (s *Store) Event(ctx context.Context, loc *time.Location) (ev expo.Expo, ok bool, err error) {
	var row expoRow
	err = s.r.WithContext(ctx).Take(&row, 1).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return expo.Expo{}, false, nil
	}
	if err != nil {
		return expo.Expo{}, false, dbErr(err, "read expo")
	}
	start, err1 := time.ParseInLocation(dayLayout, row.StartsOn, loc)
	end, err2 := time.ParseInLocation(dayLayout, row.EndsOn, loc)
	if err := errors.Join(err1, err2); err != nil {
		return expo.Expo{}, false, err
	}
	return expo.Expo{Name: row.Name, City: row.City, Venue: row.Venue, StartsOn: start, EndsOn: end}, true, nil
}

// Halls lists the halls by code.
func (s *Store) Halls(ctx context.Context) ([]expo.Hall, error) {
	var rows []hallRow
	if err := s.r.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list halls")
	}
	out := make([]expo.Hall, len(rows))
	for i, r := range rows {
		out[i] = expo.Hall{ID: r.ID, Code: r.Code, Name: r.Name}
	}
	return out, nil
}

// Rooms lists the rooms by name.
func (s *Store) Rooms(ctx context.Context) ([]expo.Room, error) {
	var rows []roomRow
	if err := s.r.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list rooms")
	}
	out := make([]expo.Room, len(rows))
	for i, r := range rows {
		out[i] = expo.Room{ID: r.ID, Name: r.Name, HallID: r.HallID, Capacity: r.Capacity, Equipment: r.Equipment}
	}
	return out, nil
}

// OpeningHours lists the opening hours by day, with days in loc.
func (s *Store) OpeningHours(ctx context.Context, loc *time.Location) ([]expo.OpeningHours, error) {
	var rows []openingRow
	if err := s.r.WithContext(ctx).Order("day").Find(&rows).Error; err != nil {
		return nil, dbErr(err, "list opening hours")
	}
	out := make([]expo.OpeningHours, 0, len(rows))
	for _, r := range rows {
		day, err := time.ParseInLocation(dayLayout, r.Day, loc)
		if err != nil {
			return nil, err
		}
		out = append(out, expo.OpeningHours{Day: day, Opens: r.OpensAt, Closes: r.ClosesAt})
	}
	return out, nil
}
